import type { BrowserContext, Page } from 'playwright-core';
import { describeStep, formatDuration, MAX_ERROR_MESSAGE_LENGTH, MAX_FULL_PAGE_SCREENSHOT, toStorableText } from '../../protocol/index.ts';
import type { ErrorInfo, RunAssign, RunEnd, RunSettings, Step, StepEnd, StepOutput, StepScreenshotHeader, StepStart } from '../../protocol/index.ts';
import { needsModel } from '../ai/ai-step-context.ts';
import type { AiServices } from '../ai/execute-ai-step.ts';
import { executeStep } from '../steps/execute-step.ts';
import { pageAtFailure } from './page-at-failure.ts';
import { errorHeadline } from '../steps/playwright-error.ts';
import { StepError } from '../steps/step-error.ts';

/** What a run reports; the connection numbers each event (`seq`) when it sends it. */
export type StepEvent = Omit<StepStart, 'seq'> | Omit<StepEnd, 'seq'>;
export type ScreenshotHeader = Omit<StepScreenshotHeader, 'seq'>;
export type RunOutcome = Omit<RunEnd, 'seq'>;

export type ExecuteRunOptions = {
  /** Opens the run's page in a fresh context (see run-pages.ts); the run closes that context when it ends. */
  openPage(): Promise<Page>;
  assignment: RunAssign;
  /** Aborting stops the current step at once and ends the run as `cancelled`. */
  signal?: AbortSignal;
  /** The model and Stagehand, for AI steps; a run without them fails at its first AI step (`model-unavailable`). */
  ai?: AiServices;
  /** Called with each step's `step-start` and `step-end`, in order. */
  onMessage(message: StepEvent): void;
  /** Called with the JPEG taken after a step, before that step's `step-end`. Not called if there is no picture. */
  onScreenshot(header: ScreenshotHeader, jpeg: Uint8Array): void;
};

/**
 * Executes a run's steps in order in a fresh browser context, stopping at the first step
 * that fails. Always resolves, with the `run-end` message to send; the context is closed
 * whatever happens.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const { openPage, assignment, signal, ai, onMessage, onScreenshot } = options;
  const { runId, attempt, steps, settings } = assignment;
  const compiled = new Map(assignment.compiled.map((entry) => [entry.index, entry.resolution]));
  const runEnd = (status: RunEnd['status'], error?: ErrorInfo): RunOutcome => ({ type: 'run-end', runId, attempt, status, ...(error && { error }) });
  const cancelled = () => runEnd('cancelled', { code: 'cancelled', message: 'The run was cancelled' });
  if (signal?.aborted) return cancelled();

  let context: BrowserContext;
  let page: Page;
  try {
    page = await withinTime(openPage(), settings.stepTimeoutMs);
    context = page.context();
  } catch (error) {
    return runEnd('failed', { code: 'browser-error', message: clamp(`The browser could not open a page: ${errorHeadline(error)}`) });
  }
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
      const outcome = await executeStep({
        page,
        step,
        timeoutMs: needsModel(step) ? settings.aiStepTimeoutMs : settings.stepTimeoutMs,
        signal,
        ...(ai && { ai: { services: ai, ref: { runId, attempt, index }, compiled: compiled.get(index) } }),
      }).then(
        (output) => ({ output, error: undefined }),
        (error: unknown) => ({ output: undefined, error: asStepError(error) }),
      );
      const durationMs = Math.round(performance.now() - startedAt);
      const picture = signal?.aborted ? undefined : await takeScreenshot(page, step, settings, signal);
      if (picture) onScreenshot({ type: 'step-screenshot', runId, attempt, index, mimeType: 'image/jpeg' }, picture.jpeg);
      const error = outcome.error && { code: outcome.error.code, message: clamp(outcome.error.message) };
      const output: StepOutput | undefined = outcome.output
        ? { ...outcome.output, ...(picture?.cropped && { screenshotCropped: picture.cropped }) }
        : error && !signal?.aborted
          ? await pageAtFailure(page, settings.stepTimeoutMs)
          : undefined;
      onMessage({
        type: 'step-end',
        runId,
        attempt,
        index,
        status: error ? 'failed' : 'succeeded',
        durationMs,
        ...(error && { error }),
        ...(output && { output }),
      });
      if (signal?.aborted) return cancelled();
      if (error) return runEnd('failed', { code: error.code, message: clamp(`Step ${index + 1} (${describeStep(step)}) failed: ${error.message}`) });
    }
    return runEnd('succeeded');
  } finally {
    signal?.removeEventListener('abort', closeContext);
    await closeContext();
  }
}

type Picture = { jpeg: Uint8Array; cropped?: { pageWidth: number; pageHeight: number } };

/**
 * The picture after a step, or undefined when none could be taken: a failed screenshot must not
 * fail the step. It gets the run's default step time, not the step's own, which may be tiny.
 */
async function takeScreenshot(page: Page, step: Step, settings: RunSettings, signal: AbortSignal | undefined): Promise<Picture | undefined> {
  const options = { type: 'jpeg', quality: settings.screenshotQuality, timeout: settings.stepTimeoutMs, signal } as const;
  try {
    if (step.type !== 'screenshot' || step.fullPage !== true) return nonEmpty({ jpeg: await page.screenshot(options) });
    // Past Chromium's texture size a full-page capture fails or comes back empty, and a huge
    // one takes seconds: a page larger than the cap is captured from its top left corner.
    const size = await page.evaluate(() => ({
      pageWidth: Math.max(document.documentElement.scrollWidth, document.body?.scrollWidth ?? 0),
      pageHeight: Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0),
    }));
    const width = Math.min(size.pageWidth, MAX_FULL_PAGE_SCREENSHOT.width);
    const height = Math.min(size.pageHeight, MAX_FULL_PAGE_SCREENSHOT.height);
    const cropped = width < size.pageWidth || height < size.pageHeight;
    const jpeg = await page.screenshot({ ...options, fullPage: true, ...(cropped && { clip: { x: 0, y: 0, width, height } }) });
    return nonEmpty({ jpeg, ...(cropped && { cropped: size }) });
  } catch {
    return undefined;
  }
}

/** A step never claims a picture it does not have: an empty capture counts as none. */
function nonEmpty(picture: Picture): Picture | undefined {
  return picture.jpeg.byteLength > 0 ? picture : undefined;
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

/** executeStep only throws StepErrors; anything else is a fault in the browser connection. */
function asStepError(error: unknown): StepError {
  return StepError.isInstance(error) ? error : new StepError('browser-error', errorHeadline(error), { cause: error });
}

/** Error messages may quote the page: made storable and cut to the wire's limit. */
function clamp(message: string): string {
  const storable = toStorableText(message, Number.MAX_SAFE_INTEGER);
  return storable.length <= MAX_ERROR_MESSAGE_LENGTH ? storable : `${toStorableText(storable, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
}
