import { describe, expect, it } from 'vitest';
import { MAX_SHOWN_ROWS, layoutExtracted } from './extracted-table.ts';
import type { ExtractedValue } from './extracted-table.ts';

describe('layoutExtracted', () => {
  it('lays out a list of records as a table, with columns in the order their keys first appear', () => {
    const data: ExtractedValue = [
      { name: 'Lamp', price: 25 },
      { name: 'Desk', price: 120, inStock: false },
      { price: 8 },
    ];
    expect(layoutExtracted(data)).toEqual({
      kind: 'table',
      columns: ['name', 'price', 'inStock'],
      rows: [
        ['Lamp', '25', ''],
        ['Desk', '120', 'false'],
        ['', '8', ''],
      ],
      more: 0,
    });
  });

  it('shows nested values and null in a cell as compact JSON', () => {
    expect(layoutExtracted([{ name: 'Lamp', tags: ['new', 'sale'], size: { w: 2 }, note: null }])).toEqual({
      kind: 'table',
      columns: ['name', 'tags', 'size', 'note'],
      rows: [['Lamp', '["new","sale"]', '{"w":2}', 'null']],
      more: 0,
    });
  });

  it(`shows the first ${MAX_SHOWN_ROWS} rows of a long list and counts the rest`, () => {
    const data = Array.from({ length: 120 }, (_, index) => ({ n: index }));
    const layout = layoutExtracted(data);
    expect(layout).toMatchObject({ kind: 'table', columns: ['n'], more: 70 });
    expect(layout.kind === 'table' && layout.rows).toHaveLength(MAX_SHOWN_ROWS);

    const values = layoutExtracted(Array.from({ length: 51 }, (_, index) => index));
    expect(values).toMatchObject({ kind: 'list', more: 1 });
  });

  it('lays out one record as keys and values', () => {
    expect(layoutExtracted({ title: 'Order 42', total: 99.5, items: [1, 2] })).toEqual({
      kind: 'record',
      entries: [
        ['title', 'Order 42'],
        ['total', '99.5'],
        ['items', '[1,2]'],
      ],
      more: 0,
    });
  });

  it('lays out a list of values, or of mixed values and records, as a list', () => {
    expect(layoutExtracted(['Lamp', 'Desk', 3])).toEqual({ kind: 'list', items: ['Lamp', 'Desk', '3'], more: 0 });
    expect(layoutExtracted([{ name: 'Lamp' }, 'Desk'])).toEqual({ kind: 'list', items: ['{"name":"Lamp"}', 'Desk'], more: 0 });
  });

  it('shows one value as text, and nothing read as empty', () => {
    expect(layoutExtracted('Signed in as alice')).toEqual({ kind: 'text', text: 'Signed in as alice' });
    expect(layoutExtracted(42)).toEqual({ kind: 'text', text: '42' });
    expect(layoutExtracted(null)).toEqual({ kind: 'text', text: 'null' });
    for (const nothing of [[], {}, '']) expect(layoutExtracted(nothing)).toEqual({ kind: 'empty' });
  });
});
