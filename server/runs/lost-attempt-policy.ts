import { describeStep, formatDuration, type ErrorInfo, type Step } from '../../protocol/index.ts';
import type { LostAttempt, LostAttemptOutcome } from '../store/store.ts';

/**
 * Whether a step may run again after its runner was lost while running it. Clicks, key presses
 * and AI actions may have submitted a form, placed an order or deleted something; everything else
 * only reads the page or changes a field that has not been submitted. A plan overrides this
 * per step with `safeToRetry`.
 */
export function isSafeToRetry(step: Step): boolean {
  return step.safeToRetry ?? !['click', 'press', 'act', 'agent'].includes(step.type);
}

export type LostAttemptPolicyOptions = {
  /** How long a disconnected runner's runs wait for it (to say so). */
  reconnectGraceMs: number;
  /** The longest a run may take (to say so). */
  maxDurationMs: number;
};

/**
 * What becomes of an attempt whose runner was lost or that ran past its deadline. A run is
 * never repeated past a step that may have changed something outside the browser; a run whose
 * steps all finished is not repeated at all.
 */
export function decideLostAttempt(lost: LostAttempt, options: LostAttemptPolicyOptions): LostAttemptOutcome {
  const { run, plan, reason } = lost;
  if (reason === 'deadline') {
    return {
      status: 'failed',
      error: {
        code: 'timeout',
        message: `The run was stopped after ${formatDuration(options.maxDurationMs)}, the longest a run may take (RUN_MAX_DURATION_MS).`,
      },
    };
  }
  // The runner reported every step before it was lost; only its closing word is missing.
  if (run.steps.length > 0 && run.steps.every((step) => step.status === 'succeeded')) return { status: 'succeeded' };

  const failed = run.steps.find((step) => step.status === 'failed');
  if (failed) {
    // Failed steps are not retried: the run ends as the runner would have ended it.
    const step = plan.steps[failed.index]!;
    const reasonText = failed.error?.message ?? 'no reason was given';
    return { status: 'failed', error: { code: failed.error?.code ?? 'action-failed', message: `Step ${failed.index + 1} (${describeStep(step)}) failed: ${reasonText}` } };
  }

  const lostError: ErrorInfo = {
    code: 'runner-lost',
    message:
      reason === 'disconnected'
        ? `The runner executing this run disconnected and did not come back within ${formatDuration(options.reconnectGraceMs)}.`
        : 'The runner executing this run stopped responding.',
  };
  const unsafe = run.steps.find((state) => state.status !== 'pending' && !isSafeToRetry(plan.steps[state.index]!));
  if (unsafe) {
    const step = plan.steps[unsafe.index]!;
    return {
      status: 'failed',
      error: {
        code: 'unsafe-to-retry',
        message:
          `${lostError.message} It was not retried automatically because step ${unsafe.index + 1} (${describeStep(step)}) ` +
          'had started and may have submitted a form or changed something on the site. Run it again if that is safe.',
      },
    };
  }
  if (run.attempt < run.maxAttempts) return { status: 'queued', error: lostError };
  return {
    status: 'failed',
    error: { code: 'runner-lost', message: `${lostError.message} It was attempt ${run.attempt} of ${run.maxAttempts}, so the run has failed.` },
  };
}
