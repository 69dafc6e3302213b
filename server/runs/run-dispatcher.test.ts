import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerToRunnerMessage, Step } from '../../protocol/index.ts';
import { createLogger } from '../logger.ts';
import { createSessionCipher } from '../sessions/session-cipher.ts';
import { createSessionService } from '../sessions/session-service.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import { textParts, type FinishedRun, type Store } from '../store/store.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createGrowingList } from '../../test/harness/growing-list.ts';
import { createRunDispatcher, type RunDispatcher, type RunDispatcherOptions, type RunnerSession } from './run-dispatcher.ts';

// The dispatcher against a real store. Runner connections are faked by recording what
// would be sent instead of writing to a socket: the dispatcher's own seam, not a mock of ours.

const STEPS: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/' },
  { type: 'click', target: 'Buy' },
  { type: 'screenshot' },
];

type FakeRunner = {
  id: string;
  session: RunnerSession;
  sent: ServerToRunnerMessage[];
  welcome: Awaited<ReturnType<RunDispatcher['connect']>>['welcome'];
  closedWith: number | undefined;
  /** Resolves with the run ids assigned so far, once there are `count` of them. */
  assigned(count: number): Promise<string[]>;
  /** The attempt each run was assigned with. */
  attemptOf(runId: string): number;
  /** Numbers events per run, as a runner does. */
  seq(runId: string): number;
};

describe('run dispatcher', () => {
  let database: TestDatabase;
  let store: Store;
  let dispatcher: RunDispatcher;
  let ownerId: string;
  let finished: ReturnType<typeof createGrowingList<FinishedRun>>;

  async function start(options: Partial<RunDispatcherOptions> = {}) {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    ownerId = (await store.users.ensure('dispatch')).id;
    finished = createGrowingList<FinishedRun>();
    dispatcher = createRunDispatcher({
      store,
      publish: () => {},
      logger: createLogger({ level: 'silent', name: 'test' }),
      leaseMs: 60_000,
      reconnectGraceMs: 60_000,
      maxDurationMs: 600_000,
      maxRunnerCapacity: 16,
      sweepEveryMs: 50,
      settings: { stepTimeoutMs: 1000, aiStepTimeoutMs: 5000, screenshotQuality: 50 },
      onRunFinished: async (run) => finished.push(run),
      sessions: createSessionService({ store, cipher: createSessionCipher({ key: randomBytes(32) }), ttlDays: 30 }),
      ...options,
    });
    dispatcher.start();
  }

  afterEach(async () => {
    await dispatcher.stop();
    await store.close();
    await database.drop();
  });

  async function connect(name: string, capacity: number, options: { id?: string; heldRuns?: { runId: string; attempt: number }[] } = {}): Promise<FakeRunner> {
    const sent = createGrowingList<ServerToRunnerMessage>();
    const seqs = new Map<string, number>();
    const runner: Omit<FakeRunner, 'session' | 'welcome'> = {
      id: options.id ?? randomUUID(),
      sent: sent.items,
      closedWith: undefined,
      async assigned(count: number) {
        const ids = () => sent.items.flatMap((message) => (message.type === 'run-assign' ? [message.runId] : []));
        await sent.waitFor(() => ids().length >= count, { timeoutMs: 10_000, describe: () => `${name} got ${ids().length} runs, not ${count}` });
        return ids();
      },
      attemptOf(runId: string) {
        const assign = sent.items.findLast((message) => message.type === 'run-assign' && message.runId === runId);
        return assign?.type === 'run-assign' ? assign.attempt : 0;
      },
      seq(runId: string) {
        const next = (seqs.get(runId) ?? 0) + 1;
        seqs.set(runId, next);
        return next;
      },
    };
    const { session, welcome } = await dispatcher.connect({
      id: runner.id,
      name,
      capacity,
      heldRuns: options.heldRuns ?? [],
      send: (message) => (sent.push(message), true),
      close: (code) => {
        runner.closedWith = code;
      },
    });
    return Object.assign(runner, { session, welcome });
  }

  async function queueRuns(count: number, steps: Step[] = STEPS): Promise<string[]> {
    const conversation = await store.conversations.create(ownerId, {});
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const result = await store.messages.appendAssistant(ownerId, conversation.id, {
        parts: textParts('run'),
        plan: { source: 'api', steps },
        run: { maxAttempts: 2, maxQueued: 100 },
      });
      if (result?.status !== 'appended') throw new Error('not queued');
      ids.push(result.runId!);
    }
    dispatcher.wake();
    return ids;
  }

  function event(runner: FakeRunner, runId: string) {
    return { runId, attempt: runner.attemptOf(runId), seq: runner.seq(runId) };
  }

  async function end(runner: FakeRunner, runId: string) {
    await dispatcher.handle(runner.session, { type: 'run-end', ...event(runner, runId), status: 'succeeded' });
  }

  it('spreads runs over runners, never beyond their capacity, and fills a freed slot', async () => {
    await start();
    const runs = await queueRuns(5);
    const first = await connect('first', 2);
    const second = await connect('second', 2);
    const [toFirst, toSecond] = await Promise.all([first.assigned(2), second.assigned(2)]);
    expect([...toFirst, ...toSecond].sort()).toEqual(runs.slice(0, 4).sort());
    expect(first.session.active.size).toBe(2);
    expect(second.session.active.size).toBe(2);

    await end(first, toFirst[0]!);
    expect(finished.items.map((run) => run.run.id)).toContain(toFirst[0]);
    expect((await first.assigned(3))[2]).toBe(runs[4]);
    expect(first.sent.filter((message) => message.type === 'ack')).toEqual([{ type: 'ack', runId: toFirst[0], attempt: 1, seq: 1 }]);
  });

  it('caps what a runner is given, whatever capacity it announces', async () => {
    await start({ maxRunnerCapacity: 2 });
    await queueRuns(4);
    const greedy = await connect('greedy', 64);
    expect(greedy.welcome.capacity).toBe(2);
    await greedy.assigned(2);
    // The rest go to the next runner, none to the greedy one.
    const other = await connect('other', 2);
    await other.assigned(2);
    expect(greedy.sent.filter((message) => message.type === 'run-assign')).toHaveLength(2);
  });

  it('keeps a disconnected runner’s runs until it comes back, and carries on from the last event applied', async () => {
    await start();
    const [runId] = await queueRuns(1);
    const runner = await connect('flaky', 1);
    await runner.assigned(1);
    await dispatcher.handle(runner.session, { type: 'step-start', ...event(runner, runId!), index: 0 });
    await dispatcher.disconnect(runner.session, { serverClosing: false });
    // Still its: nobody else gets it while it is away.
    const other = await connect('other', 1);
    await queueRuns(1);
    expect((await other.assigned(1))[0]).not.toBe(runId);

    const back = await connect('flaky', 1, { id: runner.id, heldRuns: [{ runId: runId!, attempt: 1 }, { runId: randomUUID(), attempt: 1 }] });
    expect(back.welcome.resumed).toEqual([{ runId, attempt: 1, seq: 1 }]);
    expect(back.session.active.get(runId!)).toEqual({ attempt: 1, stepCount: 3 });
    // The event it sent before is sent again and ignored; the next ones count.
    await dispatcher.handle(back.session, { type: 'step-start', runId: runId!, attempt: 1, seq: 1, index: 0 });
    await dispatcher.handle(back.session, { type: 'step-end', runId: runId!, attempt: 1, seq: 2, index: 0, status: 'succeeded', durationMs: 5 });
    const run = (await store.runs.get(ownerId, runId!))!.run;
    expect(run).toMatchObject({ status: 'running', attempt: 1 });
    expect(run.steps[0]?.status).toBe('succeeded');
  });

  it('replaces an older connection of the same runner', async () => {
    await start();
    const first = await connect('twice', 1);
    const second = await connect('twice', 1, { id: first.id });
    expect(first.closedWith).toBe(4002);
    expect(second.closedWith).toBeUndefined();
    // The old connection's close does not release what the new one holds.
    await dispatcher.disconnect(first.session, { serverClosing: false });
    expect(dispatcher.runnerCount()).toBe(1);
  });

  it('takes a run back once the grace period passes, on a new attempt', async () => {
    await start({ reconnectGraceMs: 0 });
    const [runId] = await queueRuns(1, [{ type: 'goto', url: 'http://127.0.0.1:9/' }]);
    const lost = await connect('lost', 1);
    await lost.assigned(1);
    await dispatcher.handle(lost.session, { type: 'step-start', ...event(lost, runId!), index: 0 });
    await dispatcher.disconnect(lost.session, { serverClosing: false });

    const rescuer = await connect('rescuer', 1);
    expect((await rescuer.assigned(1))[0]).toBe(runId);
    expect(rescuer.attemptOf(runId!)).toBe(2);
    const run = (await store.runs.get(ownerId, runId!))!.run;
    expect(run.earlierAttempts[0]).toMatchObject({ attempt: 1, status: 'lost', error: { code: 'runner-lost' } });
    expect(run.earlierAttempts[0]!.error!.message).toMatch(/disconnected and did not come back/);
  });

  it('does not retry a run past a click that may have submitted something', async () => {
    await start({ reconnectGraceMs: 0 });
    const [runId] = await queueRuns(1);
    const lost = await connect('lost', 1);
    await lost.assigned(1);
    for (const index of [0, 1]) await dispatcher.handle(lost.session, { type: 'step-start', ...event(lost, runId!), index });
    await dispatcher.handle(lost.session, { type: 'step-end', ...event(lost, runId!), index: 0, status: 'succeeded', durationMs: 1 });
    await dispatcher.disconnect(lost.session, { serverClosing: false });

    const run = (await finished.waitFor((item) => item.run.id === runId, { timeoutMs: 10_000, describe: () => 'run never ended' })).run;
    expect(run).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'unsafe-to-retry' } });
    expect(run.error!.message).toContain('not retried automatically because step 2 (Click "Buy")');
  });

  it('leaves runs alone while the server restarts, whatever the grace period', async () => {
    await start({ reconnectGraceMs: 0 });
    const [runId] = await queueRuns(1);
    const runner = await connect('steady', 1);
    await runner.assigned(1);
    await dispatcher.disconnect(runner.session, { serverClosing: true });
    // A sweep that would take it back if it had been released.
    const [later] = await queueRuns(1);
    const next = await connect('next', 1);
    expect((await next.assigned(1))[0]).toBe(later);
    expect((await store.runs.get(ownerId, runId!))?.run).toMatchObject({ status: 'running', attempt: 1 });
  });

  it('stops a run at its deadline and tells its runner', async () => {
    await start({ maxDurationMs: 100 });
    const [runId] = await queueRuns(1);
    const runner = await connect('slow', 1);
    await runner.assigned(1);
    const run = (await finished.waitFor((item) => item.run.id === runId, { timeoutMs: 10_000, describe: () => 'run never ended' })).run;
    expect(run).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect(runner.sent).toContainEqual({ type: 'run-cancel', runId, attempt: 1 });
    expect(runner.session.active.size).toBe(0);
  });

  it('refuses steps the plan does not have, and ignores runs the runner does not hold', async () => {
    await start();
    const [runId] = await queueRuns(1);
    const runner = await connect('confused', 1);
    await runner.assigned(1);
    await dispatcher.handle(runner.session, { type: 'step-start', ...event(runner, runId!), index: 7 });
    expect(runner.sent.at(-2)).toMatchObject({ type: 'error', code: 'invalid-frame' });
    const stranger = randomUUID();
    await dispatcher.handle(runner.session, { type: 'run-end', runId: stranger, attempt: 1, seq: 1, status: 'succeeded' });
    expect(runner.sent.at(-1)).toEqual({ type: 'ack', runId: stranger, attempt: 1, seq: 1 });
    const run = (await store.runs.get(ownerId, runId!))!.run;
    expect(run.steps.every((step) => step.status === 'pending')).toBe(true);
  });

  it('tells the runner holding a run to stop it', async () => {
    await start();
    const [runId] = await queueRuns(1);
    const runner = await connect('holder', 1);
    await runner.assigned(1);
    dispatcher.stopHeld([{ runId: runId!, attempt: 1, runnerId: runner.id }, { runId: randomUUID(), attempt: 1, runnerId: runner.id }]);
    expect(runner.sent.filter((message) => message.type === 'run-cancel')).toEqual([{ type: 'run-cancel', runId, attempt: 1 }]);
    expect(runner.session.active.size).toBe(0);
  });
});
