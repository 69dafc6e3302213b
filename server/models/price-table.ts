import { z } from 'zod';

/** USD per million tokens. */
export type ModelPrice = { input: number; output: number };

/**
 * OpenAI's published prices for its common models (USD per million tokens, as of 2025). Prices
 * change and other providers differ: LLM_PRICES overrides or extends this table.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

/** `LLM_PRICES`: a JSON object of model name -> { input, output } in USD per million tokens. */
export const PriceTableSchema = z.record(
  z.string().min(1),
  z.strictObject({ input: z.number().min(0), output: z.number().min(0) }),
);

export type PriceTable = {
  /** Estimated cost in USD, or undefined for a model without a price. */
  costOf(model: string, usage: { inputTokens: number; outputTokens: number }): number | undefined;
};

export function createPriceTable(overrides: Record<string, ModelPrice> = {}): PriceTable {
  const prices = new Map(Object.entries({ ...DEFAULT_PRICES, ...overrides }));
  return {
    costOf(model, { inputTokens, outputTokens }) {
      const price = prices.get(model);
      if (!price) return undefined;
      // Rounded to a millionth of a dollar, the precision it is stored with.
      return Math.round((inputTokens * price.input + outputTokens * price.output)) / 1_000_000;
    },
  };
}
