import { z } from 'zod';
import { BrowserOptionsSchema, StorageStateSchema } from './browser.ts';
import { ErrorInfoSchema } from './errors.ts';
import { StepOutputSchema } from './run.ts';
import { ModelCallSchema, ModelCancelSchema, ModelErrorSchema, ModelResultSchema } from './model-bridge.ts';
import { StepResolutionSchema } from './resolution.ts';
import { PlanStepsSchema } from './step.ts';
import { text } from './text.ts';

// Runner <-> server, over `/ws/runner`. The runner authenticates the upgrade with
// `Authorization: Bearer <RUNNER_TOKEN>`, then sends `hello`; the server answers `welcome`.
// Every event names the run and the attempt, so the server can drop events from an
// attempt it has already given to another runner.
//
// A dropped connection does not stop a run. The runner keeps executing and keeps its events
// (numbered per attempt by `seq`) until the server acknowledges them; when it reconnects, its
// `hello` lists the runs it still holds, `welcome` says which it may continue and the last
// event the server applied for each, and the runner sends the rest in order. The server
// applies each event once, by `seq`.

const RunRefSchema = { runId: z.uuid(), attempt: z.number().int().min(1) };
/** Events of one attempt are numbered 1, 2, 3... in the order the runner produced them. */
const EventSeqSchema = z.number().int().min(1);
const HeldRunSchema = z.strictObject(RunRefSchema);

export const RunnerHelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocolVersion: z.number().int(),
  runner: z.strictObject({
    /** Chosen by the runner process at start and kept across reconnections, so its runs stay its own. */
    id: z.uuid(),
    name: text().min(1).max(200),
    /** Runs this runner executes at once. */
    capacity: z.number().int().min(1).max(64),
    /** Browser name and version, for the operator. */
    browser: text().max(200),
  }),
  /** Runs this runner is still executing (or has events of) from before a reconnection. */
  runs: z.array(HeldRunSchema).max(64),
});

/** Sent every `heartbeatMs`; renews the lease of each listed run. */
export const RunnerHeartbeatSchema = z.strictObject({
  type: z.literal('heartbeat'),
  runs: z.array(HeldRunSchema).max(64),
});

export const StepStartSchema = z.strictObject({
  type: z.literal('step-start'),
  ...RunRefSchema,
  seq: EventSeqSchema,
  index: z.number().int().min(0),
});

export const StepEndSchema = z.strictObject({
  type: z.literal('step-end'),
  ...RunRefSchema,
  seq: EventSeqSchema,
  index: z.number().int().min(0),
  status: z.enum(['succeeded', 'failed']),
  durationMs: z.number().int().min(0),
  error: ErrorInfoSchema.optional(),
  output: StepOutputSchema.optional(),
});

export const RunEndSchema = z.strictObject({
  type: z.literal('run-end'),
  ...RunRefSchema,
  seq: EventSeqSchema,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  error: ErrorInfoSchema.optional(),
});

/**
 * The browser's state at the end of a run whose plan saves its session (`browser.session.saveAs`),
 * sent before `run-end` when the run succeeded. Holds credentials: the server stores it encrypted.
 */
export const SessionStateSchema = z.strictObject({
  type: z.literal('session-state'),
  ...RunRefSchema,
  seq: EventSeqSchema,
  state: StorageStateSchema,
});

export const RunnerMessageSchema = z.discriminatedUnion('type', [
  RunnerHelloSchema,
  RunnerHeartbeatSchema,
  StepStartSchema,
  StepEndSchema,
  RunEndSchema,
  SessionStateSchema,
  ModelCallSchema,
  ModelCancelSchema,
]);
export type RunnerMessage = z.infer<typeof RunnerMessageSchema>;
export type RunnerHello = z.infer<typeof RunnerHelloSchema>;
export type StepStart = z.infer<typeof StepStartSchema>;
export type StepEnd = z.infer<typeof StepEndSchema>;
export type RunEnd = z.infer<typeof RunEndSchema>;
export type SessionState = z.infer<typeof SessionStateSchema>;

/** Header of a binary frame carrying the screenshot taken after a step (see binary-frame.ts). */
export const StepScreenshotHeaderSchema = z.strictObject({
  type: z.literal('step-screenshot'),
  ...RunRefSchema,
  seq: EventSeqSchema,
  index: z.number().int().min(0),
  mimeType: z.literal('image/jpeg'),
});
export type StepScreenshotHeader = z.infer<typeof StepScreenshotHeaderSchema>;

/** Largest file a run may download, in bytes; a larger one is recorded as skipped. */
export const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

/** Header of a binary frame carrying a file the page downloaded during a step. */
export const StepDownloadHeaderSchema = z.strictObject({
  type: z.literal('step-download'),
  ...RunRefSchema,
  seq: EventSeqSchema,
  index: z.number().int().min(0),
  /** The name the site suggested, cut to a safe file name by the runner. */
  fileName: text().min(1).max(255),
  mimeType: text().min(1).max(255),
});
export type StepDownloadHeader = z.infer<typeof StepDownloadHeaderSchema>;

/** How the runner should execute a run; chosen by the server. */
export const RunSettingsSchema = z.strictObject({
  /** Default time each step may take, in milliseconds. */
  stepTimeoutMs: z.number().int().min(100),
  /** Default time an AI step may take, model calls included, in milliseconds. */
  aiStepTimeoutMs: z.number().int().min(100),
  /** JPEG quality of step screenshots, 1-100. */
  screenshotQuality: z.number().int().min(1).max(100),
});
export type RunSettings = z.infer<typeof RunSettingsSchema>;

export const WelcomeSchema = z.strictObject({
  type: z.literal('welcome'),
  protocolVersion: z.number().int(),
  /** How often the runner must send `heartbeat`. */
  heartbeatMs: z.number().int().min(100),
  /** How long a run stays with a runner the server hears nothing from (no heartbeat, no connection). */
  leaseMs: z.number().int().min(1),
  /**
   * How long the server keeps a disconnected runner's runs for it; `leaseMs` instead when the
   * server closed the connection because it was restarting (close code 1012). A runner that
   * cannot reconnect within this time stops those runs: the server has given them back to the queue.
   */
  reconnectGraceMs: z.number().int().min(0),
  /** Most runs the server assigns to this runner at once: its announced capacity, within the server's cap. */
  capacity: z.number().int().min(1),
  /**
   * Of the runs listed in `hello`, those the runner may continue, each with the last event the
   * server applied. The runner stops the others and drops their events.
   */
  resumed: z.array(z.strictObject({ ...RunRefSchema, seq: z.number().int().min(0) })).max(64),
});
export type Welcome = z.infer<typeof WelcomeSchema>;

export const RunAssignSchema = z.strictObject({
  type: z.literal('run-assign'),
  ...RunRefSchema,
  steps: PlanStepsSchema,
  settings: RunSettingsSchema,
  /** What earlier runs of this plan resolved its AI steps to: replay these before asking a model. */
  compiled: z.array(z.strictObject({ index: z.number().int().min(0), resolution: StepResolutionSchema })).max(100),
  /** The plan's browser options; `session.saveAs` asks for a `session-state` event at the end of a successful run. */
  browser: BrowserOptionsSchema.optional(),
  /** The saved session the plan uses (`browser.session.use`), to start the browser context from. */
  storageState: StorageStateSchema.optional(),
});
export type RunAssign = z.infer<typeof RunAssignSchema>;

/** Stop this run at once, without sending anything more about it (cancelled, deleted, or given to another runner). */
export const RunCancelSchema = z.strictObject({ type: z.literal('run-cancel'), ...RunRefSchema });

/** The server has applied every event of this attempt up to `seq`; the runner may forget them. */
export const EventAckSchema = z.strictObject({ type: z.literal('ack'), ...RunRefSchema, seq: EventSeqSchema });

export const ServerErrorSchema = z.strictObject({ type: z.literal('error'), ...ErrorInfoSchema.shape });

export const ServerToRunnerMessageSchema = z.discriminatedUnion('type', [
  WelcomeSchema,
  RunAssignSchema,
  RunCancelSchema,
  EventAckSchema,
  ModelResultSchema,
  ModelErrorSchema,
  ServerErrorSchema,
]);
export type ServerToRunnerMessage = z.infer<typeof ServerToRunnerMessageSchema>;
