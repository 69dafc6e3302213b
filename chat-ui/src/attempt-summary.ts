import type { AttemptView, RunView } from '../../protocol/index.ts';

/** "Attempt 1 of 2: the runner was lost at step 3", for the line that shows or hides an earlier attempt. */
export function summarizeAttempt(attempt: AttemptView, maxAttempts: number): string {
  // The furthest step the attempt started: where it stopped.
  const reached = attempt.steps.findLast((step) => step.status !== 'pending' && step.status !== 'skipped');
  const where = reached ? `at step ${reached.index + 1}` : 'before its first step';
  const outcome = {
    lost: `the runner was lost ${where}`,
    failed: `it failed ${where}`,
    cancelled: `it was cancelled ${where}`,
    succeeded: 'it succeeded',
    running: `it is still running ${where}`,
  }[attempt.status];
  return `Attempt ${attempt.attempt} of ${maxAttempts}: ${outcome}`;
}

/** The attempt a run's steps show: the one under way or ended, or the next one while the run waits in the queue. */
export function currentAttempt(run: RunView): number {
  return run.status === 'queued' ? run.attempt + 1 : run.attempt;
}

/** Introduces the current attempt of a run that had earlier ones, saying why they did not finish it. */
export function describeRetry(run: RunView): string {
  const heading = `Attempt ${currentAttempt(run)} of ${run.maxAttempts}`;
  const lost = run.earlierAttempts.filter((attempt) => attempt.status === 'lost').map((attempt) => attempt.attempt);
  if (lost.length === 0 || lost.length !== run.earlierAttempts.length) return `${heading}, after the earlier attempts above.`;
  const owner = lost.length === 1 ? 'its' : 'their';
  return `${heading}: the run was queued again after ${listAttempts(lost)} lost ${owner} runner.`;
}

/**
 * Whether the run failed because its runner was lost while a step that may have changed
 * something (a click, a key press) was under way, so the server did not run it again by itself.
 */
export function wasNotRetried(run: RunView): boolean {
  return run.status === 'failed' && run.error?.code === 'unsafe-to-retry';
}

/** [1] -> "attempt 1"; [1, 2, 3] -> "attempts 1, 2 and 3". */
function listAttempts(numbers: readonly number[]): string {
  if (numbers.length === 1) return `attempt ${numbers[0]}`;
  return `attempts ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}
