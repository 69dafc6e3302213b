import type { BrowserContext, Page } from 'playwright-core';
import { describeStep, MAX_ERROR_MESSAGE_LENGTH } from '../../protocol/index.ts';
import type { ErrorInfo, RunAssign, RunEnd, RunSettings, Step, StepEnd, StepScreenshotHeader, StepStart } from '../../protocol/index.ts';
import { executeStep } from '../steps/execute-step.ts';
import { errorHeadline } from '../steps/playwright-error.ts';
import { StepError } from '../steps/step-error.ts';

export type ExecuteRunOptions = {
  /** Opens the run's page in a fresh context (see run-pages.ts); the run closes that context when it ends. */
  openPage(): Promise<Page>;
  assignment: RunAssign;
  /** Aborting stops the current step at once and ends the run as `cancelled`. */
  signal?: AbortSignal;
  /** Called with each step's `step-start` and `step-end`, in order. */
  onMessage(message: StepStart | StepEnd): void;
  /** Called with the JPEG taken after a step, before that step's `step-end`. Not called if the picture fails. */
  onScreenshot(header: StepScreenshotHeader, jpeg: Uint8Array): void;
};

/**
 * Executes a run's steps in order in a fresh browser context, stopping at the first step
 * that fails. Always resolves, with the `run-end` message to send; the context is closed
 * whatever happens.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunEnd> {
  const { openPage, assignment, signal, onMessage, onScreenshot } = options;
  const { runId, attempt, steps, settings } = assignment;
  const runEnd = (status: RunEnd['status'], error?: ErrorInfo): RunEnd => ({ type: 'run-end', runId, attempt, status, ...(error && { error }) });
  const cancelled = () => runEnd('cancelled', { code: 'cancelled', message: 'The run was cancelled' });
  if (signal?.aborted) return cancelled();

  let context: BrowserContext;
  let page: Page;
  try {
    page = await openPage();
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
      const outcome = await executeStep({ page, step, timeoutMs: settings.stepTimeoutMs, signal }).then(
        (output) => ({ output, error: undefined }),
        (error: unknown) => ({ output: undefined, error: asStepError(error) }),
      );
      const durationMs = Math.round(performance.now() - startedAt);
      if (!signal?.aborted) {
        const jpeg = await takeScreenshot(page, step, settings, signal);
        if (jpeg) onScreenshot({ type: 'step-screenshot', runId, attempt, index, mimeType: 'image/jpeg' }, jpeg);
      }
      const error = outcome.error && { code: outcome.error.code, message: clamp(outcome.error.message) };
      onMessage({
        type: 'step-end',
        runId,
        attempt,
        index,
        status: error ? 'failed' : 'succeeded',
        durationMs,
        ...(error ? { error } : { output: outcome.output }),
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

/**
 * The picture after a step, or undefined when it cannot be taken: a failed screenshot must not
 * fail the step. It gets the run's default step time, not the step's own, which may be tiny.
 */
async function takeScreenshot(page: Page, step: Step, settings: RunSettings, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
  const fullPage = step.type === 'screenshot' && step.fullPage === true;
  try {
    return await page.screenshot({ type: 'jpeg', quality: settings.screenshotQuality, fullPage, timeout: settings.stepTimeoutMs, signal });
  } catch {
    return undefined;
  }
}

/** executeStep only throws StepErrors; anything else is a fault in the browser connection. */
function asStepError(error: unknown): StepError {
  return StepError.isInstance(error) ? error : new StepError('browser-error', errorHeadline(error), { cause: error });
}

function clamp(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
}
