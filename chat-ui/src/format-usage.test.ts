import { describe, expect, it } from 'vitest';
import { formatCalls, formatCost, formatUsage } from './format-usage.ts';

describe('formatUsage', () => {
  it('names the model, the tokens in and out, and the estimated cost', () => {
    expect(formatUsage({ model: 'gpt-4.1-mini', inputTokens: 1200, outputTokens: 350, costUsd: 0.00104, calls: 2 })).toBe(
      'gpt-4.1-mini · 1,200 tokens in, 350 out · $0.0010',
    );
  });

  it('leaves the cost out for a model without a price', () => {
    expect(formatUsage({ model: 'llama3', inputTokens: 10, outputTokens: 5, calls: 1 })).toBe('llama3 · 10 tokens in, 5 out');
  });
});

describe('formatCost', () => {
  it('shows fractions of a cent to four decimals and dollars to cents', () => {
    expect(formatCost(0.0012)).toBe('$0.0012');
    expect(formatCost(0.00004)).toBe('under $0.0001');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(2.5)).toBe('$2.50');
  });
});

describe('formatCalls', () => {
  it('counts model calls', () => {
    expect(formatCalls(1)).toBe('1 model call');
    expect(formatCalls(3)).toBe('3 model calls');
  });
});
