import { z } from 'zod';
import { ErrorInfoSchema } from './errors.ts';
import { StepOutputSchema } from './run.ts';
import { PlanStepsSchema } from './step.ts';

// Runner <-> server, over `/ws/runner`. The runner authenticates the upgrade with
// `Authorization: Bearer <RUNNER_TOKEN>`, then sends `hello`; the server answers `welcome`.
// Every event names the run and the attempt, so the server can drop events from an
// attempt it has already given to another runner.

const RunRefSchema = { runId: z.uuid(), attempt: z.number().int().min(1) };

export const RunnerHelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocolVersion: z.number().int(),
  runner: z.strictObject({
    name: z.string().min(1).max(200),
    /** Runs this runner executes at once. */
    capacity: z.number().int().min(1).max(64),
    /** Browser name and version, for the operator. */
    browser: z.string().max(200),
  }),
});

/** Sent every `heartbeatMs`; renews the lease of each listed run. */
export const RunnerHeartbeatSchema = z.strictObject({
  type: z.literal('heartbeat'),
  runs: z.array(z.strictObject(RunRefSchema)).max(64),
});

export const StepStartSchema = z.strictObject({
  type: z.literal('step-start'),
  ...RunRefSchema,
  index: z.number().int().min(0),
});

export const StepEndSchema = z.strictObject({
  type: z.literal('step-end'),
  ...RunRefSchema,
  index: z.number().int().min(0),
  status: z.enum(['succeeded', 'failed']),
  durationMs: z.number().int().min(0),
  error: ErrorInfoSchema.optional(),
  output: StepOutputSchema.optional(),
});

export const RunEndSchema = z.strictObject({
  type: z.literal('run-end'),
  ...RunRefSchema,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  error: ErrorInfoSchema.optional(),
});

export const RunnerMessageSchema = z.discriminatedUnion('type', [
  RunnerHelloSchema,
  RunnerHeartbeatSchema,
  StepStartSchema,
  StepEndSchema,
  RunEndSchema,
]);
export type RunnerMessage = z.infer<typeof RunnerMessageSchema>;
export type RunnerHello = z.infer<typeof RunnerHelloSchema>;
export type StepStart = z.infer<typeof StepStartSchema>;
export type StepEnd = z.infer<typeof StepEndSchema>;
export type RunEnd = z.infer<typeof RunEndSchema>;

/** Header of a binary frame carrying the screenshot taken after a step (see binary-frame.ts). */
export const StepScreenshotHeaderSchema = z.strictObject({
  type: z.literal('step-screenshot'),
  ...RunRefSchema,
  index: z.number().int().min(0),
  mimeType: z.literal('image/jpeg'),
});
export type StepScreenshotHeader = z.infer<typeof StepScreenshotHeaderSchema>;

/** How the runner should execute a run; chosen by the server. */
export const RunSettingsSchema = z.strictObject({
  /** Default time each step may take, in milliseconds. */
  stepTimeoutMs: z.number().int().min(100),
  /** JPEG quality of step screenshots, 1-100. */
  screenshotQuality: z.number().int().min(1).max(100),
});
export type RunSettings = z.infer<typeof RunSettingsSchema>;

export const WelcomeSchema = z.strictObject({
  type: z.literal('welcome'),
  protocolVersion: z.number().int(),
  runnerId: z.uuid(),
  /** How often the runner must send `heartbeat`. */
  heartbeatMs: z.number().int().min(100),
});

export const RunAssignSchema = z.strictObject({
  type: z.literal('run-assign'),
  ...RunRefSchema,
  steps: PlanStepsSchema,
  settings: RunSettingsSchema,
});
export type RunAssign = z.infer<typeof RunAssignSchema>;

export const RunCancelSchema = z.strictObject({ type: z.literal('run-cancel'), ...RunRefSchema });

export const ServerErrorSchema = z.strictObject({ type: z.literal('error'), ...ErrorInfoSchema.shape });

export const ServerToRunnerMessageSchema = z.discriminatedUnion('type', [
  WelcomeSchema,
  RunAssignSchema,
  RunCancelSchema,
  ServerErrorSchema,
]);
export type ServerToRunnerMessage = z.infer<typeof ServerToRunnerMessageSchema>;
