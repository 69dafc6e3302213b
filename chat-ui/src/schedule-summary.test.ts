import { describe, expect, it } from 'vitest';
import type { ScheduleRun } from '../../protocol/index.ts';
import { describeHistory, describeLastRun, describeScheduleRun, describeScheduleStatus, isRunFinished, runDurationMs } from './schedule-summary.ts';

const options = { locale: 'en-US', timeZone: 'Europe/Berlin' };

function run(overrides: Partial<ScheduleRun> = {}): ScheduleRun {
  return {
    runId: crypto.randomUUID(),
    trigger: 'schedule',
    dueAt: '2026-12-01T08:00:00.000Z',
    createdAt: '2026-12-01T08:00:01.000Z',
    status: 'succeeded',
    endedAt: '2026-12-01T08:00:13.000Z',
    ...overrides,
  };
}

describe('schedule runs in words', () => {
  it('describes a run that succeeded: due, ended, how long it took', () => {
    const row = describeScheduleRun(run(), options);
    expect(row).toMatchObject({
      statusLabel: 'Succeeded',
      trigger: 'On time',
      due: 'Tue, Dec 1, 9:00 AM GMT+1',
      ended: '9:00:13 AM (12 s)',
      error: undefined,
    });
  });

  it('describes a failed run with its error as a sentence, and runs not ended yet', () => {
    const failed = describeScheduleRun(run({ status: 'failed', trigger: 'manual', error: { code: 'target-not-found', message: 'no element matches "Buy"' } }), options);
    expect(failed).toMatchObject({ statusLabel: 'Failed', trigger: 'Run now', error: 'No element matches "Buy".' });
    expect(describeScheduleRun(run({ status: 'queued', endedAt: undefined }), options).ended).toBe('Waiting for a browser');
    expect(describeScheduleRun(run({ status: 'running', endedAt: undefined, trigger: 'missed' }), options)).toMatchObject({
      ended: 'Still running',
      trigger: 'Caught up',
    });
  });

  it('tells finished runs from those still going, and times only finished ones', () => {
    expect(isRunFinished({ status: 'cancelled' })).toBe(true);
    expect(isRunFinished({ status: 'running' })).toBe(false);
    expect(runDurationMs(run())).toBe(12_000);
    expect(runDurationMs(run({ endedAt: undefined }))).toBeUndefined();
  });

  it('sums up the last run in one line', () => {
    expect(describeLastRun(undefined, options)).toBe('No runs yet.');
    expect(describeLastRun(run(), options)).toBe('Succeeded, due Tue, Dec 1, 9:00 AM GMT+1, in 12 s.');
    expect(describeLastRun(run({ status: 'queued', endedAt: undefined }), options)).toBe('Queued, due Tue, Dec 1, 9:00 AM GMT+1: waiting for a browser.');
    expect(describeLastRun(run({ status: 'running', endedAt: undefined }), options)).toBe('Running, due Tue, Dec 1, 9:00 AM GMT+1.');
  });

  it('counts a history by status', () => {
    expect(describeHistory([])).toBe('No runs yet: it runs at its next time, or now with Run now.');
    expect(describeHistory([run()])).toBe('1 run, newest first: 1 succeeded.');
    expect(describeHistory([run({ status: 'failed' }), run(), run()])).toBe('3 runs, newest first: 1 failed, 2 succeeded.');
  });

  it('says what each status means', () => {
    expect(describeScheduleStatus('paused')).toBe('Paused: it will not run until it is resumed.');
  });
});
