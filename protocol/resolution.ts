import { z } from 'zod';
import { ExtractRuleSchema } from './extraction.ts';
import { text } from './text.ts';

/**
 * One concrete browser action an AI step resolved to: what to act on, how, with what. Selectors
 * are Stagehand's: an XPath (`xpath=/html[1]/body[1]/…`, where an iframe step enters that frame
 * and `//` enters an open shadow root) or CSS. Replayed with Playwright, without a model.
 */
export const ResolvedActionSchema = z.strictObject({
  selector: text().min(1).max(4_000),
  /** A Playwright locator method (click, fill, press, selectOption, hover, check…) or Stagehand's name for one. */
  method: text().min(1).max(50),
  arguments: z.array(text().max(10_000)).max(10),
  /** What the model said it was doing, for people. */
  description: text().max(1_000).optional(),
});
export type ResolvedAction = z.infer<typeof ResolvedActionSchema>;

/** Most actions one AI step may resolve to (an `agent` step's whole sub-task). */
export const MAX_RESOLVED_ACTIONS = 50;

/**
 * An AI step compiled: the actions an `act` or `agent` step took, or the rule an `extract` step
 * reads with. Stored with the plan step; the next run of the plan replays it with no model call.
 */
export const StepResolutionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('actions'), actions: z.array(ResolvedActionSchema).min(1).max(MAX_RESOLVED_ACTIONS) }),
  z.strictObject({ kind: z.literal('extraction'), rule: ExtractRuleSchema }),
]);
export type StepResolution = z.infer<typeof StepResolutionSchema>;

/**
 * How an AI step was resolved in a run: by the model (first run), by replaying the compiled form
 * (no model call), or `healed` (the replay no longer worked, so the model resolved it again and
 * the new form replaces the old).
 */
export const RESOLUTION_SOURCES = ['model', 'replayed', 'healed'] as const;
export type ResolutionSource = (typeof RESOLUTION_SOURCES)[number];
