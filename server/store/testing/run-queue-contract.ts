import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ErrorInfo } from '../../../protocol/index.ts';
import { textParts, type LostAttempt, type LostAttemptOutcome, type Store } from '../store.ts';
import { appended, fixtures, LEASE_MS, MAX_DURATION_MS, runPart, STEPS } from './contract-fixtures.ts';

const LOST: ErrorInfo = { code: 'runner-lost', message: 'The runner stopped responding.' };
const requeue = (): LostAttemptOutcome => ({ status: 'queued', error: LOST });

/** The run queue: claims, fenced events, leases, lost attempts and closing messages. */
export function runQueueContract(open: () => Store) {
  const store = () => open();
  const helpers = () => fixtures(open());

  async function claimAny() {
    const runnerId = randomUUID();
    const claimed = await store().queue.claimNext({ runnerId, leaseMs: LEASE_MS, maxDurationMs: MAX_DURATION_MS });
    return claimed && { ...claimed, runnerId };
  }

  it('claims runs oldest first and never gives one run to two runners', async () => {
    // Runs other tests left queued would be claimed first: end them.
    for (let claimed = await claimAny(); claimed; claimed = await claimAny()) {
      await store().queue.finish({ runnerId: claimed.runnerId, runId: claimed.runId, attempt: claimed.attempt, seq: 1, status: 'cancelled' });
    }
    const owner = await helpers().newOwner();
    const first = await helpers().queueRun(owner);
    const second = await helpers().queueRun(owner);
    expect((await claimAny())?.runId).toBe(first.runId);
    expect((await claimAny())?.runId).toBe(second.runId);

    // More claimers than runs, all at once: each run goes to exactly one of them.
    const queued = await Promise.all([1, 2, 3].map(() => helpers().queueRun(owner)));
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimAny()));
    const ids = claims.flatMap((claimed) => (claimed ? [claimed.runId] : []));
    expect(ids.sort()).toEqual(queued.map((run) => run.runId).sort());
  });

  it('records step progress, screenshots and the end of a run', async () => {
    const owner = await helpers().newOwner();
    const { runId, messageId, conversationId } = await helpers().queueRun(owner);
    const { events, steps, attempt, change } = await helpers().claim(runId);
    expect(steps).toEqual(STEPS);
    expect(attempt).toBe(1);
    expect(change).toMatchObject({ ownerId: owner, conversationId, messageId });

    const started = await store().queue.stepStarted({ ...events.next(), index: 0, leaseMs: LEASE_MS });
    expect(started?.seq).toBeGreaterThan(change.seq);
    let run = runPart((await store().messages.get(owner, messageId))!);
    expect(run.status).toBe('running');
    expect(run.steps[0]?.status).toBe('running');

    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    await store().queue.screenshotTaken({ ...events.next(), index: 0, mimeType: 'image/jpeg', bytes: jpeg });
    await store().queue.stepEnded({ ...events.next(), index: 0, status: 'succeeded', durationMs: 120, output: { url: 'http://127.0.0.1:9/login' }, leaseMs: LEASE_MS });
    await store().queue.stepStarted({ ...events.next(), index: 1, leaseMs: LEASE_MS });
    const failure = { code: 'target-not-found', message: 'No element matches "Sign in".' } as const;
    await store().queue.stepEnded({ ...events.next(), index: 1, status: 'failed', durationMs: 5000, error: failure, leaseMs: LEASE_MS });
    const finished = await store().queue.finish({ ...events.next(), status: 'failed', error: failure });

    expect(finished?.plan.steps).toEqual(STEPS);
    run = finished!.run;
    expect(run).toMatchObject({ status: 'failed', error: failure, earlierAttempts: [] });
    expect(run.endedAt).toBeDefined();
    expect(run.steps.map((step) => step.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(run.steps[0]).toMatchObject({ durationMs: 120, output: { url: 'http://127.0.0.1:9/login' } });
    expect(run.steps[0]?.screenshot?.bytes).toBe(4);
    expect(run.steps[1]?.error).toEqual(failure);
    const artifact = await store().artifacts.get(owner, run.steps[0]!.screenshot!.artifactId);
    expect(artifact?.mimeType).toBe('image/jpeg');
    expect([...(artifact?.bytes ?? [])]).toEqual([...jpeg]);
    expect(await store().runs.get(owner, runId)).toEqual({ run, plan: finished!.plan });
    // The conversation's seq moved with every change, and the snapshot agrees.
    expect((await store().conversations.snapshot(owner, conversationId, { limit: 50 }))?.seq).toBe(finished!.change.seq);
  });

  it('applies each event once, in order, however often it is sent', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner);
    const { ref } = await helpers().claim(runId);
    const shot = (seq: number, bytes: number[]) =>
      store().queue.screenshotTaken({ ...ref, seq, index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array(bytes) });
    expect(await store().queue.stepStarted({ ...ref, seq: 1, index: 0, leaseMs: LEASE_MS })).not.toBeNull();
    expect(await store().queue.stepStarted({ ...ref, seq: 1, index: 0, leaseMs: LEASE_MS })).toBeNull();
    expect(await shot(2, [0xff, 0xd8, 1])).not.toBeNull();
    expect(await shot(2, [0xff, 0xd8, 2])).toBeNull();
    expect(await store().queue.stepEnded({ ...ref, seq: 3, index: 0, status: 'succeeded', durationMs: 5, leaseMs: LEASE_MS })).not.toBeNull();
    // A resent step-start after its step-end must not make the step run again.
    expect(await store().queue.stepStarted({ ...ref, seq: 1, index: 0, leaseMs: LEASE_MS })).toBeNull();
    const run = (await store().runs.get(owner, runId))!.run;
    expect(run.steps[0]).toMatchObject({ status: 'succeeded', screenshot: { bytes: 3 } });
    expect([...(await store().artifacts.get(owner, run.steps[0]!.screenshot!.artifactId))!.bytes]).toEqual([0xff, 0xd8, 1]);
  });

  it('stores no screenshot for a step the plan does not have', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner);
    const { events } = await helpers().claim(runId);
    expect(await store().queue.screenshotTaken({ ...events.next(), index: STEPS.length, mimeType: 'image/jpeg', bytes: new Uint8Array([1]) })).toBeNull();
    expect((await store().runs.get(owner, runId))!.run.steps.every((step) => !step.screenshot)).toBe(true);
  });

  it('ignores events from a runner or attempt that no longer holds the run', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner);
    const { ref } = await helpers().claim(runId);
    const stranger = { ...ref, runnerId: randomUUID(), seq: 1 };
    const stale = { ...ref, attempt: ref.attempt + 1, seq: 1 };
    expect(await store().queue.stepStarted({ ...stranger, index: 0, leaseMs: LEASE_MS })).toBeNull();
    expect(await store().queue.stepStarted({ ...stale, index: 0, leaseMs: LEASE_MS })).toBeNull();
    expect(await store().queue.finish({ ...stranger, status: 'succeeded' })).toBeNull();
    expect(await store().queue.screenshotTaken({ ...stale, index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array([1]) })).toBeNull();
    const run = (await store().runs.get(owner, runId))!.run;
    expect(run.status).toBe('running');
    expect(run.steps.every((step) => step.status === 'pending' && !step.screenshot)).toBe(true);
  });

  it('keeps a disconnected runner’s runs for the grace period, and gives them back when it resumes', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner);
    const { ref, events } = await helpers().claim(runId);
    await store().queue.stepStarted({ ...events.next(), index: 0, leaseMs: LEASE_MS });
    await store().queue.release({ runnerId: ref.runnerId, graceMs: 60_000 });
    expect((await store().queue.reclaim({ decide: requeue })).requeued.map((run) => run.runId)).toEqual([]);

    const resumed = await store().queue.resume({ runnerId: ref.runnerId, runs: [{ runId, attempt: 1 }, { runId: randomUUID(), attempt: 1 }], leaseMs: LEASE_MS });
    expect(resumed).toEqual([{ runId, attempt: 1, seq: 1, stepCount: STEPS.length }]);
    // Someone else cannot resume it.
    expect(await store().queue.resume({ runnerId: randomUUID(), runs: [{ runId, attempt: 1 }], leaseMs: LEASE_MS })).toEqual([]);
    expect(await store().queue.stepEnded({ ...events.next(), index: 0, status: 'succeeded', durationMs: 1, leaseMs: LEASE_MS })).not.toBeNull();
  });

  it('takes back a lost attempt as the domain decides, with why, and keeps its steps as an earlier attempt', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner, { maxAttempts: 2 });
    const first = await helpers().claim(runId);
    await store().queue.stepStarted({ ...first.events.next(), index: 0, leaseMs: LEASE_MS });
    await store().queue.screenshotTaken({ ...first.events.next(), index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8]) });
    await store().queue.release({ runnerId: first.ref.runnerId, graceMs: -1 });

    const seen: LostAttempt[] = [];
    const taken = await store().queue.reclaim({
      decide: (lost) => {
        if (lost.run.id === runId) seen.push(lost);
        return requeue();
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ reason: 'disconnected', run: { id: runId, attempt: 1, status: 'running' }, plan: { steps: STEPS } });
    expect(seen[0]!.run.steps.map((step) => step.status)).toEqual(['running', 'pending', 'pending']);
    expect(taken.ended).toEqual([]);
    let run = (await store().runs.get(owner, runId))!.run;
    expect(run).toMatchObject({ status: 'queued', attempt: 1 });
    expect(run.error).toBeUndefined();
    expect(run.steps.every((step) => step.status === 'pending')).toBe(true);
    expect(run.earlierAttempts).toHaveLength(1);
    expect(run.earlierAttempts[0]).toMatchObject({ attempt: 1, status: 'lost', error: LOST });
    expect(run.earlierAttempts[0]!.steps.map((step) => step.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(run.earlierAttempts[0]!.steps[0]).toMatchObject({ error: LOST, screenshot: { bytes: 2 } });
    // The lost runner's late events no longer count.
    expect(await store().queue.finish({ ...first.events.next(), status: 'succeeded' })).toBeNull();

    const second = await helpers().claim(runId);
    expect(second.attempt).toBe(2);
    await helpers().expireLease(second.ref);
    const failure: ErrorInfo = { code: 'runner-lost', message: 'Gone again.' };
    const final = await store().queue.reclaim({ decide: (lost) => (lost.run.id === runId ? { status: 'failed', error: failure } : requeue()) });
    const ended = final.ended.find((finished) => finished.run.id === runId)!;
    expect(ended.holder).toEqual({ runId, attempt: 2, runnerId: second.ref.runnerId });
    run = ended.run;
    expect(run).toMatchObject({ status: 'failed', attempt: 2, error: failure });
    expect(run.earlierAttempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([[1, 'lost']]);
    expect(await store().runs.get(owner, runId)).toEqual({ run, plan: ended.plan });
  });

  it('says why an attempt is taken back: unresponsive, or past its deadline', async () => {
    const owner = await helpers().newOwner();
    const quiet = await helpers().queueRun(owner);
    const overdue = await helpers().queueRun(owner);
    const alive = await helpers().queueRun(owner);
    const quietClaim = await helpers().claim(quiet.runId);
    await helpers().expireLease(quietClaim.ref);
    await helpers().claim(overdue.runId, { maxDurationMs: -1 });
    await helpers().claim(alive.runId);

    const reasons = new Map<string, string>();
    await store().queue.reclaim({
      decide: (lost) => {
        reasons.set(lost.run.id, lost.reason);
        return { status: 'failed', error: LOST };
      },
    });
    expect(reasons.get(quiet.runId)).toBe('unresponsive');
    expect(reasons.get(overdue.runId)).toBe('deadline');
    expect(reasons.has(alive.runId)).toBe(false);
    expect((await store().runs.get(owner, alive.runId))?.run.status).toBe('running');
  });

  it('can end a lost attempt as succeeded when all its steps were reported', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner);
    const { ref } = await helpers().claim(runId);
    await helpers().expireLease(ref);
    const { ended } = await store().queue.reclaim({ decide: (lost) => (lost.run.id === runId ? { status: 'succeeded' } : requeue()) });
    const run = ended.find((finished) => finished.run.id === runId)!.run;
    expect(run.status).toBe('succeeded');
    expect(run.error).toBeUndefined();
  });

  it('cancels a queued run at once and tells which runner holds a running one', async () => {
    const owner = await helpers().newOwner();
    const queued = await helpers().queueRun(owner);
    const cancelled = await store().runs.cancel(owner, queued.runId);
    expect(cancelled?.run.status).toBe('cancelled');
    expect(cancelled?.runnerId).toBeUndefined();
    expect(cancelled?.run.steps.map((step) => step.status)).toEqual(['pending', 'pending', 'pending']);

    const running = await helpers().queueRun(owner);
    const { ref, events } = await helpers().claim(running.runId);
    const stopped = await store().runs.cancel(owner, running.runId);
    expect(stopped).toMatchObject({ runnerId: ref.runnerId, attempt: ref.attempt });
    expect(stopped?.run.status).toBe('cancelled');
    expect(stopped?.run.steps.map((step) => step.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await store().queue.finish({ ...events.next(), status: 'succeeded' })).toBeNull();
    // Cancelling again changes nothing.
    const again = await store().runs.cancel(owner, running.runId);
    expect(again?.run).toEqual(stopped!.run);
    expect(again?.change).toBeUndefined();
  });

  it('lists ended runs without a closing message until one is written, and takes one closing message per run', async () => {
    const owner = await helpers().newOwner();
    const { runId, conversationId } = await helpers().queueRun(owner);
    const { events } = await helpers().claim(runId);
    await store().queue.finish({ ...events.next(), status: 'succeeded' });
    expect((await store().queue.unsummarized(1_000)).map((finished) => finished.run.id)).toContain(runId);

    const closings = await Promise.all(
      [1, 2].map(() => store().messages.appendAssistant(owner, conversationId, { parts: textParts('Done.'), summaryOf: runId })),
    );
    expect(closings.map((result) => result?.status).sort()).toEqual(['appended', 'exists']);
    const written = closings.map((result) => (result?.status === 'exists' ? result.message.id : appended(result).message.id));
    expect(written[0]).toBe(written[1]);
    expect((await store().queue.unsummarized(1_000)).map((finished) => finished.run.id)).not.toContain(runId);
  });
}
