import { describe, expect, it } from 'vitest';
import { createPriceTable, PriceTableSchema } from './price-table.ts';

describe('price table', () => {
  it('estimates the cost of known models and knows nothing of others', () => {
    const prices = createPriceTable();
    expect(prices.costOf('gpt-4.1-mini', { inputTokens: 1_000_000, outputTokens: 500_000 })).toBe(1.2);
    expect(prices.costOf('gpt-4.1-mini', { inputTokens: 1_234, outputTokens: 56 })).toBe(0.000583);
    expect(prices.costOf('llama3.1', { inputTokens: 1_000, outputTokens: 1_000 })).toBeUndefined();
  });

  it('takes prices from configuration over the defaults', () => {
    const prices = createPriceTable(PriceTableSchema.parse({ 'llama3.1': { input: 0, output: 0 }, 'gpt-4.1-mini': { input: 1, output: 1 } }));
    expect(prices.costOf('llama3.1', { inputTokens: 5, outputTokens: 5 })).toBe(0);
    expect(prices.costOf('gpt-4.1-mini', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(1);
    expect(PriceTableSchema.safeParse({ x: { input: -1, output: 0 } }).success).toBe(false);
  });
});
