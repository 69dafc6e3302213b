import { describe, expect, it } from 'vitest';
import { shapeData } from './shape-data.ts';

describe('shapeData', () => {
  it('reads numbers the way prices are written', () => {
    const number = { type: 'number' } as const;
    expect(['$1,299.00', '1.299,50 €', '949.99', 'USD 12', '-3', '1,234,567', '3,5'].map((text) => shapeData(text, number))).toEqual(
      [1299, 1299.5, 949.99, 12, -3, 1234567, 3.5].map((data) => ({ data })),
    );
    expect(shapeData('Laptop Alpha 14', number)).toEqual({ failure: 'the result: "Laptop Alpha 14" is not a number' });
    expect(shapeData('free', number)).toEqual({ failure: 'the result: "free" is not a number' });
  });

  it('reads booleans from the usual words', () => {
    const boolean = { type: 'boolean' } as const;
    expect(shapeData('In stock', boolean)).toEqual({ data: true });
    expect(shapeData('No', boolean)).toEqual({ data: false });
    expect(shapeData('maybe', boolean)).toEqual({ failure: 'the result: "maybe" is not a boolean' });
  });

  it('treats nothing found, empty lists and missing properties as failures, naming where', () => {
    const products = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } } } as const;
    expect(shapeData([], products)).toEqual({ failure: 'the result: the list is empty' });
    expect(shapeData([{ name: 'A', price: '$1' }, { name: 'B', price: null }], products)).toEqual({ failure: 'the result[1].price: nothing on the page matched' });
    expect(shapeData(null)).toEqual({ failure: 'the result: nothing on the page matched' });
    expect(shapeData('x', products)).toEqual({ failure: 'the result: expected a list' });
  });

  it('makes text storable', () => {
    expect(shapeData('a\u0000b')).toEqual({ data: 'a\uFFFDb' });
  });
});
