import type { BrowserContext, Page } from 'playwright-core';
import { describeStep, formatDuration, MAX_ERROR_MESSAGE_LENGTH, toStorableText } from '../../protocol/index.ts';
import type { DialogRecord, ErrorInfo, RunAssign, RunEnd, SessionState, StepDownloadHeader, StepEnd, StepOutput, StepScreenshotHeader, StepStart } from '../../protocol/index.ts';
import { needsModel } from '../ai/ai-step-context.ts';
import type { AiServices } from '../ai/execute-ai-step.ts';
import { answerDialogs } from '../browser/dialogs.ts';
import { collectDownloads } from '../browser/downloads.ts';
import { createRunTabs, type RunTabs } from '../browser/run-tabs.ts';
import type { FetchAttachment } from '../connection/attachments.ts';
import type { Logger } from '../logger.ts';
import { executeStep } from '../steps/execute-step.ts';
import { errorHeadline } from '../steps/playwright-error.ts';
import { StepError } from '../steps/step-error.ts';
import { pageAtFailure } from './page-at-failure.ts';
import { sessionStateOf } from './session-state.ts';
import { takeScreenshot } from './step-screenshot.ts';

/** What a run reports; the connection numbers each event (`seq`) when it sends it. */
export type StepEvent = Omit<StepStart, 'seq'> | Omit<StepEnd, 'seq'>;
export type RunMessage = StepEvent | Omit<SessionState, 'seq'>;
export type ScreenshotHeader = Omit<StepScreenshotHeader, 'seq'>;
export type DownloadHeader = Omit<StepDownloadHeader, 'seq'>;
export type RunOutcome = Omit<RunEnd, 'seq'>;

export type ExecuteRunOptions = {
  /** Opens the run's page in a fresh context (see run-pages.ts); the run closes that context when it ends. */
  openPage(): Promise<Page>;
  assignment: RunAssign;
  /** Aborting stops the current step at once and ends the run as `cancelled`. */
  signal?: AbortSignal;
  /** The model and Stagehand, for AI steps; a run without them fails at its first AI step (`model-unavailable`). */
  ai?: AiServices;
  /** Fetches the conversation's attached files for `upload` steps; a run without it fails at its first upload. */
  fetchAttachment?: FetchAttachment;
  /** Gets warnings about downloads that are not sent. Default: none. */
  logger?: Logger;
  /** Called with each step's `step-start` and `step-end`, in order, and with `session-state` before the run ends. */
  onMessage(message: RunMessage): void;
  /** Called with the JPEG taken after a step, before that step's `step-end`. Not called if there is no picture. */
  onScreenshot(header: ScreenshotHeader, jpeg: Uint8Array): void;
  /** Called with each file the page downloaded during a step, before that step's `step-end`. */
  onDownload(header: DownloadHeader, bytes: Uint8Array): void;
};

/**
 * Executes a run's steps in order in a fresh browser context, stopping at the first step
 * that fails. Always resolves, with the `run-end` message to send; the context, with every
 * tab the run opened, is closed whatever happens.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const { openPage, assignment, signal, ai, fetchAttachment, logger, onMessage, onScreenshot, onDownload } = options;
  const { runId, attempt, steps, settings } = assignment;
  const compiled = new Map(assignment.compiled.map((entry) => [entry.index, entry.resolution]));
  const runEnd = (status: RunEnd['status'], error?: ErrorInfo): RunOutcome => ({ type: 'run-end', runId, attempt, status, ...(error && { error }) });
  const cancelled = () => runEnd('cancelled', { code: 'cancelled', message: 'The run was cancelled' });
  if (signal?.aborted) return cancelled();

  let context: BrowserContext;
  let tabs: RunTabs;
  try {
    const page = await withinTime(openPage(), settings.stepTimeoutMs);
    context = page.context();
    tabs = await createRunTabs(page);
  } catch (error) {
    return runEnd('failed', { code: 'browser-error', message: clamp(`The browser could not open a page: ${errorHeadline(error)}`) });
  }
  const dialogs = answerDialogs(context);
  const downloads = collectDownloads(context, { ...(logger && { logger }) });
  // Closing the context interrupts whatever the current step is waiting for, at once.
  // Memoized because a second close() returns before the first has finished.
  let closing: Promise<void> | undefined;
  const closeContext = () => (closing ??= context.close().catch(() => {}));
  signal?.addEventListener('abort', closeContext, { once: true });
  try {
    for (const [index, step] of steps.entries()) {
      if (signal?.aborted) return cancelled();
      onMessage({ type: 'step-start', runId, attempt, index });
      const startedAt = performance.now();
      dialogs.answerWith(step.dialog);
      const outcome = await executeStep({
        tabs,
        step,
        timeoutMs: needsModel(step) ? settings.aiStepTimeoutMs : settings.stepTimeoutMs,
        signal,
        ...(ai && { ai: { services: ai, ref: { runId, attempt, index }, compiled: compiled.get(index) } }),
        ...(fetchAttachment && { attachment: (id, { timeoutMs, signal }) => fetchAttachment({ id, runId, attempt, timeoutMs, ...(signal && { signal }) }) }),
      }).then(
        (output) => ({ output, error: undefined }),
        (error: unknown) => ({ output: undefined, error: asStepError(error) }),
      );
      const durationMs = Math.round(performance.now() - startedAt);
      // Until the next step starts, dialogs get the default answer. Those met before this step's end
      // is sent are recorded on it; later ones (a page's timer between steps) on the next step.
      dialogs.answerWith(undefined);
      const met = dialogs.take();
      const error = outcome.error && { code: outcome.error.code, message: clamp(explained(outcome.error, met)) };
      const page = tabs.current();
      // Each only reads the page, so they may overlap; the picture shows the tab as the step left it.
      const [picture, files, failure] = await Promise.all([
        signal?.aborted ? undefined : takeScreenshot(page, step, settings, signal),
        downloads.take({ timeoutMs: settings.stepTimeoutMs, ...(signal && { signal }) }),
        error && !signal?.aborted ? pageAtFailure(page, settings.stepTimeoutMs) : undefined,
      ]);
      if (picture) onScreenshot({ type: 'step-screenshot', runId, attempt, index, mimeType: 'image/jpeg' }, picture.jpeg);
      for (const file of signal?.aborted ? [] : files) {
        onDownload({ type: 'step-download', runId, attempt, index, fileName: file.fileName, mimeType: file.mimeType }, file.bytes);
      }
      met.push(...dialogs.take());
      const output: StepOutput | undefined = outcome.output
        ? { ...outcome.output, ...(picture?.cropped && { screenshotCropped: picture.cropped }) }
        : failure;
      const reported = output && met.length > 0 ? { ...output, dialogs: met } : output;
      onMessage({
        type: 'step-end',
        runId,
        attempt,
        index,
        status: error ? 'failed' : 'succeeded',
        durationMs,
        ...(error && { error }),
        ...(reported && { output: reported }),
      });
      if (signal?.aborted) return cancelled();
      if (error) return runEnd('failed', { code: error.code, message: clamp(`Step ${index + 1} (${describeStep(step)}) failed: ${error.message}`) });
    }
    const saveAs = assignment.browser?.session?.saveAs;
    if (saveAs !== undefined) {
      const saved = await sessionStateOf(context, settings.stepTimeoutMs);
      if (signal?.aborted) return cancelled();
      if ('problem' in saved) {
        return runEnd('failed', { code: 'browser-error', message: clamp(`Every step succeeded, but the browser's state could not be saved as the session "${saveAs}": ${saved.problem}`) });
      }
      onMessage({ type: 'session-state', runId, attempt, state: saved.state });
    }
    return runEnd('succeeded');
  } finally {
    signal?.removeEventListener('abort', closeContext);
    await closeContext();
  }
}

/**
 * The page, or an error once `ms` have passed: a browser that hangs must not hang the run. A page
 * that opens too late is closed, so its context does not leak.
 */
function withinTime(opening: Promise<Page>, ms: number): Promise<Page> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no page after ${formatDuration(ms)}`));
      void opening.then((page) => page.context().close()).catch(() => {});
    }, ms);
  });
  return Promise.race([opening, late]).finally(() => clearTimeout(timer));
}

/**
 * A navigation the step's own answer stopped: the page asked "leave this page?" and the step
 * dismisses dialogs. Chromium only reports the navigation as aborted; the person needs the reason.
 */
function explained(error: StepError, met: DialogRecord[]): string {
  const stayed = met.some((dialog) => dialog.type === 'beforeunload' && dialog.answer === 'dismissed');
  return error.code === 'navigation-failed' && stayed ? 'The page asked to stay open, and the step dismisses dialogs: the page was not left' : error.message;
}

/** executeStep only throws StepErrors; anything else is a fault in the browser connection. */
function asStepError(error: unknown): StepError {
  return StepError.isInstance(error) ? error : new StepError('browser-error', errorHeadline(error), { cause: error });
}

/** Error messages may quote the page: made storable and cut to the wire's limit. */
function clamp(message: string): string {
  const storable = toStorableText(message, Number.MAX_SAFE_INTEGER);
  return storable.length <= MAX_ERROR_MESSAGE_LENGTH ? storable : `${toStorableText(storable, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
}
