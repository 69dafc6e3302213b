import { errors } from 'playwright-core';
import { formatSeconds } from './format-seconds.ts';
import { StepError } from './step-error.ts';

// Playwright errors carry a one-line headline ("locator.click: Timeout 5000ms exceeded.")
// followed by a call log of up to dozens of progress lines. People need the headline
// and, for timeouts, the one call-log line that says what Playwright kept waiting for.

/** Call-log lines that report progress rather than why an action cannot proceed. */
const PROGRESS_LINE =
  /^(waiting|locator resolved|attempting|retrying|scrolling|done scrolling|performing|navigating|operation was aborted|elementHandle\.|[\w.]+\()/;

/** The first line of a Playwright error, without the `locator.click:` and `Error:` prefixes. */
export function errorHeadline(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = stripAnsi(message).split('\n', 1)[0] ?? '';
  return firstLine.replace(/^[\w.]+: /, '').replace(/^Error: /, '').trim();
}

/** The last call-log line saying why an action could not proceed, e.g. "element is not enabled". */
function callLogReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const lines = stripAnsi(error.message).split('\n').slice(1);
  const reasons = lines
    .map((line) => line.trim().replace(/^- /, '').replace(/^\d+ × /, ''))
    .filter((line) => line !== '' && line !== 'Call log:' && !PROGRESS_LINE.test(line));
  return reasons.at(-1);
}

export function isTimeoutError(error: unknown): boolean {
  return error instanceof errors.TimeoutError;
}

function isClosedError(error: unknown): boolean {
  return error instanceof Error && /has been closed|Target closed/.test(error.message);
}

function cancelledError(cause?: unknown): StepError {
  return new StepError('cancelled', 'The run was cancelled', { cause });
}

/**
 * Turns whatever a step threw into a StepError. Steps throw their own StepErrors where
 * they know better (a target not found, a page that failed to load); this covers the rest.
 */
export function toStepError(error: unknown, context: { timeoutMs: number; signal?: AbortSignal }): StepError {
  // Checked first: aborting rejects Playwright calls with AbortError and closes the page, which
  // surfaces as many other kinds of errors.
  if (context.signal?.aborted) return StepError.isInstance(error) && error.code === 'cancelled' ? error : cancelledError(error);
  if (StepError.isInstance(error)) return error;
  if (isTimeoutError(error)) {
    const reason = callLogReason(error);
    return new StepError('timeout', `Did not finish within ${formatSeconds(context.timeoutMs)}${reason ? `: ${reason}` : ''}`, {
      cause: error,
    });
  }
  if (isClosedError(error)) return new StepError('browser-error', 'The page or browser closed before the step finished', { cause: error });
  return new StepError('action-failed', errorHeadline(error), { cause: error });
}

function stripAnsi(text: string): string {
  // The escape sequences Playwright colours its call log with.
  return text.replace(/\u001b\[\d+(;\d+)*m/g, '');
}
