import { z } from 'zod';
import { BrowserOptionsSchema, DialogRecordSchema, DownloadViewSchema } from './browser.ts';
import { ErrorInfoSchema } from './errors.ts';
import { PlanStepsSchema } from './step.ts';
import { text } from './text.ts';
import { RESOLUTION_SOURCES, ResolvedActionSchema, StepResolutionSchema } from './resolution.ts';
import { UsageSchema } from './usage.ts';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Statuses after which a run never changes again. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;
export const StepStatusSchema = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** Longest text an `extract` step may report. */
export const MAX_OUTPUT_TEXT_LENGTH = 100_000;
/** Longest page URL a step may report. */
export const MAX_OUTPUT_URL_LENGTH = 4_096;

/** Largest full-page screenshot taken, in CSS pixels; a bigger page is captured from its top left corner. */
export const MAX_FULL_PAGE_SCREENSHOT = { width: 2_560, height: 10_000 } as const;

/** Largest JSON an AI step may report (extracted data, observations), in characters. */
export const MAX_OUTPUT_DATA_LENGTH = 200_000;

/** Longest accessibility snapshot a failed step reports, in characters. */
export const MAX_PAGE_SNAPSHOT_LENGTH = 40_000;

/** What `observe` saw can be done: each a described action, which an `act` can replay. */
export const ObservationSchema = ResolvedActionSchema;

/** What a step produced besides its status. */
export const StepOutputSchema = z.strictObject({
  /** Text read by an `extract` step. */
  text: text().max(MAX_OUTPUT_TEXT_LENGTH).optional(),
  /** What an AI `extract` read, in its shape. */
  data: z.json().refine((value) => JSON.stringify(value).length <= MAX_OUTPUT_DATA_LENGTH, 'the data is too large').optional(),
  /** What an `observe` step found can be done. */
  observations: z.array(ObservationSchema).max(100).optional(),
  /**
   * How an AI step was resolved, and (from the model, or healed) what it compiled to, for the
   * server to keep with the plan step.
   */
  resolution: z
    .strictObject({ source: z.enum(RESOLUTION_SOURCES), compiled: StepResolutionSchema.optional() })
    .optional(),
  /** Time the step spent waiting for the model, in milliseconds. */
  modelMs: z.number().int().min(0).optional(),
  /** Why an `agent` step stopped: it finished, or it used every action it had. */
  agent: z.strictObject({ finished: z.boolean(), actions: z.number().int().min(0), summary: text().max(4_000).optional() }).optional(),
  /**
   * A failed step's view of the page: a compact accessibility snapshot (Playwright's ARIA
   * snapshot), which the planner reads to repair the plan.
   */
  snapshot: text().max(MAX_PAGE_SNAPSHOT_LENGTH).optional(),
  /** Dialogs the page opened during the step, in order, and what each was answered. */
  dialogs: z.array(DialogRecordSchema).max(50).optional(),
  /** The step opened a tab (or popup) and the run moved to it: its position among the run's tabs (1 is the first) and address. */
  openedTab: z.strictObject({ tab: z.number().int().min(1), url: text().max(MAX_OUTPUT_URL_LENGTH) }).optional(),
  /** Final URL after the step. */
  url: text().max(MAX_OUTPUT_URL_LENGTH).optional(),
  /** Set when a full-page screenshot shows only part of the page: the page's whole size. */
  screenshotCropped: z
    .strictObject({ pageWidth: z.number().int().min(0), pageHeight: z.number().int().min(0) })
    .optional(),
});
export type StepOutput = z.infer<typeof StepOutputSchema>;

/** One step of one attempt, as the server reports it. */
export const StepStateSchema = z.strictObject({
  index: z.number().int().min(0),
  status: StepStatusSchema,
  startedAt: z.iso.datetime({ offset: true }).optional(),
  durationMs: z.number().int().min(0).optional(),
  error: ErrorInfoSchema.optional(),
  output: StepOutputSchema.optional(),
  /** Screenshot taken after the step, served at `/api/artifacts/{id}`. */
  screenshot: z.strictObject({ artifactId: z.uuid(), bytes: z.number().int().min(0) }).optional(),
  /** What the step's model calls used (AI steps). */
  usage: UsageSchema.optional(),
  /** Files the page downloaded during the step. */
  downloads: z.array(DownloadViewSchema).optional(),
});
export type StepState = z.infer<typeof StepStateSchema>;

export const ATTEMPT_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'lost'] as const;

/**
 * One earlier attempt of a run: its steps as far as they got and why it ended. An attempt is
 * `lost` when its runner disconnected or stopped responding, and the run was queued again.
 */
export const AttemptViewSchema = z.strictObject({
  attempt: z.number().int().min(1),
  status: z.enum(ATTEMPT_STATUSES),
  error: ErrorInfoSchema.optional(),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }).optional(),
  steps: z.array(StepStateSchema),
});
export type AttemptView = z.infer<typeof AttemptViewSchema>;

/** A run with the state of every step of its current attempt. */
export const RunViewSchema = z.strictObject({
  id: z.uuid(),
  conversationId: z.uuid(),
  planId: z.uuid(),
  status: RunStatusSchema,
  /**
   * 0 while queued for the first time; each claim by a runner starts a new attempt. While a run
   * waits again after losing its runner, this is the attempt it lost (listed in `earlierAttempts`);
   * the next one is `attempt + 1`.
   */
  attempt: z.number().int().min(0),
  maxAttempts: z.number().int().min(1),
  steps: z.array(StepStateSchema),
  /** Attempts before the current one, oldest first: what each did and why it ended. */
  earlierAttempts: z.array(AttemptViewSchema),
  /** What the run's model calls used (AI steps), over every attempt. */
  usage: UsageSchema.optional(),
  error: ErrorInfoSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  endedAt: z.iso.datetime({ offset: true }).optional(),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const PLAN_SOURCES = ['grammar', 'model', 'api'] as const;

/**
 * - `proposed`: waiting for the person to run, edit or discard it.
 * - `approved`: run (or running); every run of a plan ran exactly this version.
 * - `discarded`: the person decided against it.
 * - `superseded`: edited into a newer version, which names this one as `previousVersionId`.
 */
export const PLAN_STATUSES = ['proposed', 'approved', 'discarded', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A stored plan: its steps and where they came from. */
export const PlanViewSchema = z.strictObject({
  id: z.uuid(),
  source: z.enum(PLAN_SOURCES),
  status: z.enum(PLAN_STATUSES),
  /** 1 for a new plan; each edit (or repair) makes a new version linked to the one it replaced. */
  version: z.number().int().min(1),
  previousVersionId: z.uuid().optional(),
  /** For a plan the planner repaired after a run failed: how many repairs it is from the plan the person ran. */
  repairs: z.number().int().min(1).optional(),
  steps: PlanStepsSchema,
  /** How the run's browser is set up: viewport, locale, time zone, location, user agent, saved session. */
  browser: BrowserOptionsSchema.optional(),
  /** For plans made by a model: which model, and which version of which prompt. */
  model: z.string().optional(),
  prompt: z.strictObject({ name: z.string(), hash: z.string() }).optional(),
  /** What the model calls that made the plan used. */
  usage: UsageSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type PlanView = z.infer<typeof PlanViewSchema>;
