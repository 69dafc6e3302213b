import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PlanView, RunView, Step, StepState } from '../../protocol/index.ts';
import type { LostReason } from '../store/store.ts';
import { decideLostAttempt, isSafeToRetry } from './lost-attempt-policy.ts';

const OPTIONS = { reconnectGraceMs: 15_000, maxDurationMs: 900_000 };

function lost(steps: Step[], states: StepState['status'][], options: { attempt?: number; maxAttempts?: number; reason?: LostReason } = {}) {
  const plan: PlanView = { id: randomUUID(), source: 'api', status: 'approved', version: 1, steps, createdAt: new Date().toISOString() };
  const run: RunView = {
    id: randomUUID(),
    conversationId: randomUUID(),
    planId: plan.id,
    status: 'running',
    attempt: options.attempt ?? 1,
    maxAttempts: options.maxAttempts ?? 2,
    steps: states.map((status, index) => ({ index, status, ...(status === 'failed' && { error: { code: 'timeout', message: 'Too slow' } }) })),
    earlierAttempts: [],
    createdAt: new Date().toISOString(),
  };
  return decideLostAttempt({ run, plan, reason: options.reason ?? 'unresponsive' }, OPTIONS);
}

const GOTO: Step = { type: 'goto', url: 'https://example.com/' };
const FILL: Step = { type: 'fill', target: 'Email', value: 'a@b.c' };
const CLICK: Step = { type: 'click', target: 'Sign in' };

describe('lost attempt policy', () => {
  it('treats clicks and key presses as unsafe to repeat unless the plan says otherwise', () => {
    expect(isSafeToRetry(GOTO)).toBe(true);
    expect(isSafeToRetry(FILL)).toBe(true);
    expect(isSafeToRetry({ type: 'extract', target: 'h1' })).toBe(true);
    expect(isSafeToRetry(CLICK)).toBe(false);
    expect(isSafeToRetry({ type: 'press', key: 'Enter' })).toBe(false);
    expect(isSafeToRetry({ ...CLICK, safeToRetry: true })).toBe(true);
    expect(isSafeToRetry({ ...GOTO, safeToRetry: false })).toBe(false);
  });

  it('queues again a run lost before anything unsafe started', () => {
    expect(lost([GOTO, FILL, CLICK], ['succeeded', 'running', 'pending'])).toEqual({
      status: 'queued',
      error: { code: 'runner-lost', message: 'The runner executing this run stopped responding.' },
    });
  });

  it('fails, with the step named, a run lost once a click had started', () => {
    const outcome = lost([GOTO, CLICK, FILL], ['succeeded', 'succeeded', 'running'], { reason: 'disconnected' });
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.error.code).toBe('unsafe-to-retry');
    expect(outcome.error.message).toBe(
      'The runner executing this run disconnected and did not come back within 15 s. It was not retried automatically because ' +
        'step 2 (Click "Sign in") had started and may have submitted a form or changed something on the site. Run it again if that is safe.',
    );
  });

  it('ends as succeeded a run whose every step was reported done', () => {
    expect(lost([GOTO, CLICK], ['succeeded', 'succeeded'])).toEqual({ status: 'succeeded' });
  });

  it('ends as failed a run whose step failed before the runner was lost, as the runner would have', () => {
    expect(lost([GOTO, FILL], ['succeeded', 'failed'])).toEqual({
      status: 'failed',
      error: { code: 'timeout', message: 'Step 2 (Type "a@b.c" into "Email") failed: Too slow' },
    });
  });

  it('fails a run out of attempts, and one past its deadline', () => {
    expect(lost([GOTO], ['running'], { attempt: 2, maxAttempts: 2 })).toEqual({
      status: 'failed',
      error: { code: 'runner-lost', message: 'The runner executing this run stopped responding. It was attempt 2 of 2, so the run has failed.' },
    });
    expect(lost([GOTO], ['running'], { reason: 'deadline' })).toEqual({
      status: 'failed',
      error: { code: 'timeout', message: 'The run was stopped after 15 min, the longest a run may take (RUN_MAX_DURATION_MS).' },
    });
  });
});
