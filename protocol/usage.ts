import { z } from 'zod';

/** What a model call (or all the calls behind a message, plan or run) used, and what it is estimated to cost. */
export const UsageSchema = z.strictObject({
  /** The model that answered; several when calls went to different models, joined by ", ". */
  model: z.string().max(500),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** Estimated from the price table in the server's config; absent for a model it has no price for. */
  costUsd: z.number().min(0).optional(),
  /** Calls made to the model. */
  calls: z.number().int().min(0),
});
export type Usage = z.infer<typeof UsageSchema>;
