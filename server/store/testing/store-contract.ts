import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, RunView, Step } from '../../../protocol/index.ts';
import type { Store } from '../store.ts';

export type StoreContractOptions = {
  name: string;
  /** Opens a store on an empty, migrated database. */
  open(): Promise<Store>;
};

const STEPS: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/login' },
  { type: 'click', target: 'Sign in' },
  { type: 'screenshot' },
];
const LOST = { code: 'runner-lost', message: 'The runner stopped responding.' } as const;
const LEASE_MS = 60_000;

function runPart(message: ChatMessage): RunView {
  const part = message.parts.find((candidate) => candidate.type === 'data-run');
  if (!part) throw new Error('message has no run');
  return part.data;
}

/** The behaviour every Store adapter must show, run against a real database. */
export function storeContract({ name, open }: StoreContractOptions) {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store.close());

    async function newOwner() {
      return (await store.users.ensure(`user-${randomUUID()}`)).id;
    }

    async function queueRun(ownerId: string, options: { maxAttempts?: number } = {}) {
      const conversation = await store.conversations.create(ownerId, {});
      const appended = await store.messages.appendAssistant(ownerId, conversation.id, {
        text: 'Running it.',
        plan: { source: 'grammar', steps: STEPS },
        run: { maxAttempts: options.maxAttempts ?? 2 },
      });
      return { conversationId: conversation.id, runId: appended!.runId!, messageId: appended!.message.id };
    }

    /** Claims until it gets `runId`; other tests' runs queued in the same database are finished on the way. */
    async function claim(runId: string, runnerId = randomUUID()) {
      for (;;) {
        const claimed = await store.queue.claimNext({ runnerId, leaseMs: LEASE_MS });
        if (!claimed) throw new Error(`run ${runId} was never claimed`);
        const holder = { runnerId, runId: claimed.runId, attempt: claimed.attempt };
        if (claimed.runId === runId) return { ...claimed, holder };
        await store.queue.finish({ ...holder, status: 'cancelled' });
      }
    }

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('ensures a user once per login', async () => {
      const login = `login-${randomUUID()}`;
      const first = await store.users.ensure(login);
      expect(await store.users.ensure(login)).toEqual(first);
    });

    it('titles a conversation after its first message and keeps the thread in order', async () => {
      const owner = await newOwner();
      const conversation = await store.conversations.create(owner, {});
      expect(conversation.title).toBeNull();
      await store.messages.appendUser(owner, conversation.id, { text: 'open the pricing page\nand more' });
      await store.messages.appendUser(owner, conversation.id, { text: 'second' });
      await store.messages.appendAssistant(owner, conversation.id, { text: 'A reply.' });
      expect((await store.conversations.get(owner, conversation.id))?.title).toBe('open the pricing page');
      const thread = await store.conversations.messages(owner, conversation.id);
      expect(thread?.messages.map((message) => [message.role, message.parts])).toEqual([
        ['user', [{ type: 'text', text: 'open the pricing page\nand more' }]],
        ['user', [{ type: 'text', text: 'second' }]],
        ['assistant', [{ type: 'text', text: 'A reply.' }]],
      ]);
      expect(thread?.seq).toBe(3);
    });

    it('lists conversations with the most recently active first', async () => {
      const owner = await newOwner();
      const older = await store.conversations.create(owner, { title: 'older' });
      const newer = await store.conversations.create(owner, { title: 'newer' });
      expect((await store.conversations.list(owner)).map((c) => c.id)).toEqual([newer.id, older.id]);
      await store.messages.appendUser(owner, older.id, { text: 'bump' });
      expect((await store.conversations.list(owner)).map((c) => c.id)).toEqual([older.id, newer.id]);
    });

    it('appends a retried message once', async () => {
      const owner = await newOwner();
      const conversation = await store.conversations.create(owner, {});
      const first = await store.messages.appendUser(owner, conversation.id, { text: 'hi', clientMessageId: 'c-1' });
      const retry = await store.messages.appendUser(owner, conversation.id, { text: 'hi', clientMessageId: 'c-1' });
      expect(first?.duplicate).toBe(false);
      expect(retry?.duplicate).toBe(true);
      expect(retry?.message.id).toBe(first?.message.id);
      const reply = await store.messages.appendAssistant(owner, conversation.id, { text: 'hello' });
      expect((await store.messages.replyTo(owner, first!.message.id))?.id).toBe(reply?.message.id);
      expect((await store.conversations.messages(owner, conversation.id))?.messages).toHaveLength(2);
    });

    it('stores a plan with a queued run whose steps are pending', async () => {
      const owner = await newOwner();
      const { conversationId, runId, messageId } = await queueRun(owner);
      const message = await store.messages.get(owner, messageId);
      const plan = message?.parts.find((part) => part.type === 'data-plan');
      expect(plan?.data.steps).toEqual(STEPS);
      expect(plan?.data.source).toBe('grammar');
      const run = runPart(message!);
      expect(run).toMatchObject({ id: runId, conversationId, status: 'queued', attempt: 0, maxAttempts: 2 });
      expect(run.steps.map((step) => step.status)).toEqual(['pending', 'pending', 'pending']);
      expect((await store.runs.get(owner, runId))?.run).toEqual(run);
    });

    it('records which model and prompt version made a plan', async () => {
      const owner = await newOwner();
      const conversation = await store.conversations.create(owner, {});
      const prompt = { name: 'planner', hash: 'abc123def456' };
      const appended = await store.messages.appendAssistant(owner, conversation.id, {
        text: 'Planned by a model.',
        plan: { source: 'model', steps: STEPS, model: 'gpt-test', prompt },
      });
      const plan = appended?.message.parts.find((part) => part.type === 'data-plan');
      expect(plan?.data).toMatchObject({ source: 'model', model: 'gpt-test', prompt, steps: STEPS });
      expect(appended?.runId).toBeUndefined();
      expect(appended?.message.parts.some((part) => part.type === 'data-run')).toBe(false);
    });

    it('never shows one owner another owner’s rows', async () => {
      const alice = await newOwner();
      const bob = await newOwner();
      const { conversationId, runId, messageId } = await queueRun(alice);
      const { holder } = await claim(runId);
      await store.queue.screenshotTaken({ ...holder, index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array([1, 2]) });
      const artifactId = runPart((await store.messages.get(alice, messageId))!).steps[0]?.screenshot?.artifactId;
      expect(artifactId).toBeDefined();

      expect(await store.conversations.list(bob)).toEqual([]);
      expect(await store.conversations.get(bob, conversationId)).toBeNull();
      expect(await store.conversations.messages(bob, conversationId)).toBeNull();
      expect(await store.messages.get(bob, messageId)).toBeNull();
      expect(await store.messages.appendUser(bob, conversationId, { text: 'intrude' })).toBeNull();
      expect(await store.messages.appendAssistant(bob, conversationId, { text: 'intrude' })).toBeNull();
      expect(await store.runs.get(bob, runId)).toBeNull();
      expect(await store.runs.cancel(bob, runId)).toBeNull();
      expect(await store.artifacts.get(bob, artifactId!)).toBeNull();
      // Alice still sees everything, untouched by Bob's attempts.
      expect([...((await store.artifacts.get(alice, artifactId!))?.bytes ?? [])]).toEqual([1, 2]);
      expect((await store.runs.get(alice, runId))?.run.status).toBe('running');
      expect((await store.conversations.messages(alice, conversationId))?.messages).toHaveLength(1);
    });

    it('claims runs oldest first and never gives one run to two runners', async () => {
      const owner = await newOwner();
      const first = await queueRun(owner);
      const second = await queueRun(owner);
      const claims = await Promise.all(
        Array.from({ length: 6 }, () => store.queue.claimNext({ runnerId: randomUUID(), leaseMs: LEASE_MS })),
      );
      const ids = claims.flatMap((claimed) => (claimed ? [claimed.runId] : []));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(first.runId);
      expect(ids).toContain(second.runId);
      expect(ids.indexOf(first.runId)).toBeLessThan(ids.indexOf(second.runId));
    });

    it('records step progress, screenshots and the end of a run', async () => {
      const owner = await newOwner();
      const { runId, messageId, conversationId } = await queueRun(owner);
      const { holder, steps, attempt, change } = await claim(runId);
      expect(steps).toEqual(STEPS);
      expect(attempt).toBe(1);
      expect(change).toMatchObject({ ownerId: owner, conversationId, messageId });

      const started = await store.queue.stepStarted({ ...holder, index: 0, leaseMs: LEASE_MS });
      expect(started?.seq).toBeGreaterThan(change.seq);
      let run = runPart((await store.messages.get(owner, messageId))!);
      expect(run.status).toBe('running');
      expect(run.steps[0]?.status).toBe('running');

      const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
      await store.queue.screenshotTaken({ ...holder, index: 0, mimeType: 'image/jpeg', bytes: jpeg });
      await store.queue.stepEnded({
        ...holder,
        index: 0,
        status: 'succeeded',
        durationMs: 120,
        output: { url: 'http://127.0.0.1:9/login' },
        leaseMs: LEASE_MS,
      });
      await store.queue.stepStarted({ ...holder, index: 1, leaseMs: LEASE_MS });
      const failure = { code: 'target-not-found', message: 'No element matches "Sign in".' } as const;
      await store.queue.stepEnded({ ...holder, index: 1, status: 'failed', durationMs: 5000, error: failure, leaseMs: LEASE_MS });
      const finished = await store.queue.finish({ ...holder, status: 'failed', error: failure });

      expect(finished?.plan.steps).toEqual(STEPS);
      run = finished!.run;
      expect(run).toMatchObject({ status: 'failed', error: failure });
      expect(run.endedAt).toBeDefined();
      expect(run.steps.map((step) => step.status)).toEqual(['succeeded', 'failed', 'skipped']);
      expect(run.steps[0]).toMatchObject({ durationMs: 120, output: { url: 'http://127.0.0.1:9/login' } });
      expect(run.steps[0]?.screenshot?.bytes).toBe(4);
      expect(run.steps[1]?.error).toEqual(failure);
      const artifact = await store.artifacts.get(owner, run.steps[0]!.screenshot!.artifactId);
      expect(artifact?.mimeType).toBe('image/jpeg');
      expect([...(artifact?.bytes ?? [])]).toEqual([...jpeg]);
      expect(await store.runs.get(owner, runId)).toEqual({ run, plan: finished!.plan });
      // The conversation's seq moved with every change, and the snapshot agrees.
      expect((await store.conversations.messages(owner, conversationId))?.seq).toBe(finished!.change.seq);
    });

    it('ignores events from a runner or attempt that no longer holds the run', async () => {
      const owner = await newOwner();
      const { runId } = await queueRun(owner);
      const { holder } = await claim(runId);
      const stranger = { ...holder, runnerId: randomUUID() };
      const stale = { ...holder, attempt: holder.attempt + 1 };
      expect(await store.queue.stepStarted({ ...stranger, index: 0, leaseMs: LEASE_MS })).toBeNull();
      expect(await store.queue.stepStarted({ ...stale, index: 0, leaseMs: LEASE_MS })).toBeNull();
      expect(await store.queue.finish({ ...stranger, status: 'succeeded' })).toBeNull();
      expect(
        await store.queue.screenshotTaken({ ...stale, index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array([1]) }),
      ).toBeNull();
      const run = (await store.runs.get(owner, runId))!.run;
      expect(run.status).toBe('running');
      expect(run.steps.every((step) => step.status === 'pending' && !step.screenshot)).toBe(true);
    });

    it('requeues the runs of a lost runner while attempts remain, then fails them', async () => {
      const owner = await newOwner();
      const { runId } = await queueRun(owner, { maxAttempts: 2 });
      const first = await claim(runId);
      await store.queue.stepStarted({ ...first.holder, index: 0, leaseMs: LEASE_MS });
      const taken = await store.queue.reclaim({ runnerId: first.holder.runnerId, error: LOST });
      expect(taken.requeued.map((change) => change.messageId)).toHaveLength(1);
      expect(taken.failed).toEqual([]);
      let run = (await store.runs.get(owner, runId))!.run;
      expect(run).toMatchObject({ status: 'queued', attempt: 1 });
      expect(run.error).toBeUndefined();
      expect(run.steps.every((step) => step.status === 'pending')).toBe(true);
      // The lost runner's late events no longer count.
      expect(await store.queue.finish({ ...first.holder, status: 'succeeded' })).toBeNull();

      const second = await claim(runId);
      expect(second.attempt).toBe(2);
      const final = await store.queue.reclaim({ runnerId: second.holder.runnerId, error: LOST });
      expect(final.requeued).toEqual([]);
      run = final.failed[0]!.run;
      expect(run).toMatchObject({ id: runId, status: 'failed', attempt: 2, error: { code: 'runner-lost' } });
      expect(run.error?.message).toContain('attempt 2 of 2');
    });

    it('reclaims only runs whose lease has expired', async () => {
      const owner = await newOwner();
      const expired = await queueRun(owner);
      const alive = await queueRun(owner);
      const expiredClaim = await claim(expired.runId);
      await claim(alive.runId);
      // A lease renewed to a moment in the past has expired, without waiting for the clock.
      await store.queue.renewLeases({ runnerId: expiredClaim.holder.runnerId, runs: [expiredClaim.holder], leaseMs: -1000 });
      const taken = await store.queue.reclaim({ error: LOST });
      const requeuedRuns = taken.requeued.map((change) => change.messageId);
      expect(requeuedRuns).toContain(expired.messageId);
      expect(requeuedRuns).not.toContain(alive.messageId);
      expect((await store.runs.get(owner, alive.runId))?.run.status).toBe('running');
    });

    it('cancels a queued run at once and tells which runner holds a running one', async () => {
      const owner = await newOwner();
      const queued = await queueRun(owner);
      const cancelled = await store.runs.cancel(owner, queued.runId);
      expect(cancelled?.run.status).toBe('cancelled');
      expect(cancelled?.runnerId).toBeUndefined();
      expect(cancelled?.run.steps.map((step) => step.status)).toEqual(['pending', 'pending', 'pending']);

      const running = await queueRun(owner);
      const { holder } = await claim(running.runId);
      const stopped = await store.runs.cancel(owner, running.runId);
      expect(stopped).toMatchObject({ runnerId: holder.runnerId, attempt: holder.attempt });
      expect(stopped?.run.status).toBe('cancelled');
      expect(stopped?.run.steps.map((step) => step.status)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(await store.queue.finish({ ...holder, status: 'succeeded' })).toBeNull();
      // Cancelling again changes nothing.
      expect(await store.runs.cancel(owner, running.runId)).toEqual({ run: stopped!.run });
    });
  });
}
