import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerToRunnerMessage, Step } from '../../protocol/index.ts';
import { createConversationHub } from '../live/conversation-hub.ts';
import { createLogger } from '../logger.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import type { FinishedRun, Store } from '../store/store.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createRunDispatcher, type RunDispatcher, type RunnerSession } from './run-dispatcher.ts';

// The dispatcher against a real store. Runner sessions are the dispatcher's own interface to a
// connection; here they record what would be sent instead of writing to a socket.

const STEPS: Step[] = [{ type: 'goto', url: 'http://127.0.0.1:9/' }];

describe('run dispatcher', () => {
  let database: TestDatabase;
  let store: Store;
  let dispatcher: RunDispatcher;
  let ownerId: string;
  const finished: FinishedRun[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    ownerId = (await store.users.ensure('dispatch')).id;
    const logger = createLogger({ level: 'silent', name: 'test' });
    dispatcher = createRunDispatcher({
      store,
      hub: createConversationHub({ store, logger }),
      logger,
      leaseMs: 60_000,
      settings: { stepTimeoutMs: 1000, screenshotQuality: 50 },
      onRunFinished: async (run) => {
        finished.push(run);
      },
    });
  });
  afterAll(async () => {
    await dispatcher.stop();
    await store.close();
    await database.drop();
  });

  function session(name: string, capacity: number) {
    const sent: ServerToRunnerMessage[] = [];
    const waiters: (() => void)[] = [];
    const runner: RunnerSession & { sent: typeof sent; assigned(count: number): Promise<string[]> } = {
      id: randomUUID(),
      name,
      capacity,
      active: new Map(),
      closed: false,
      sent,
      send(message) {
        sent.push(message);
        for (const wake of waiters.splice(0)) wake();
      },
      /** Resolves with the run ids assigned so far, once there are `count` of them. */
      async assigned(count) {
        const ids = () => sent.flatMap((message) => (message.type === 'run-assign' ? [message.runId] : []));
        while (ids().length < count) await new Promise<void>((resolve) => waiters.push(resolve));
        return ids();
      },
    };
    return runner;
  }

  async function queueRuns(count: number): Promise<string[]> {
    const conversation = await store.conversations.create(ownerId, {});
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const appended = await store.messages.appendAssistant(ownerId, conversation.id, {
        text: 'run',
        plan: { source: 'api', steps: STEPS },
        run: { maxAttempts: 2 },
      });
      ids.push(appended!.runId!);
    }
    return ids;
  }

  it('spreads runs over runners, never beyond their capacity, and reassigns a lost runner’s runs', async () => {
    const runs = await queueRuns(5);
    const first = session('first', 2);
    const second = session('second', 2);
    dispatcher.attach(first);
    dispatcher.attach(second);
    const [toFirst, toSecond] = await Promise.all([first.assigned(2), second.assigned(2)]);
    expect([...toFirst, ...toSecond].sort()).toEqual(runs.slice(0, 4).sort());
    expect(first.active.size).toBe(2);
    expect(second.active.size).toBe(2);

    // One run ends on the first runner: its slot takes the fifth run.
    const done = first.sent.find((message) => message.type === 'run-assign')!;
    if (done.type !== 'run-assign') throw new Error('unreachable');
    await dispatcher.handle(first, { type: 'run-end', runId: done.runId, attempt: done.attempt, status: 'succeeded' });
    expect(finished.map((run) => run.run.id)).toContain(done.runId);
    expect((await first.assigned(3))[2]).toBe(runs[4]);

    // The second runner disconnects: its two runs come back to the queue, on a new attempt,
    // and go to the first runner as its slots free up.
    await dispatcher.handle(first, { type: 'run-end', runId: runs[4]!, attempt: 1, status: 'succeeded' });
    await dispatcher.detach(second);
    const stillRunning = toFirst.find((runId) => runId !== done.runId)!;
    expect((await first.assigned(4)).slice(3)).toEqual([expect.toSatisfy((runId: string) => toSecond.includes(runId))]);
    await dispatcher.handle(first, { type: 'run-end', runId: stillRunning, attempt: 1, status: 'succeeded' });
    const retried = (await first.assigned(5)).slice(3);
    expect(retried.sort()).toEqual([...toSecond].sort());
    const attempts = first.sent.flatMap((message) => (message.type === 'run-assign' && retried.includes(message.runId) ? [message.attempt] : []));
    expect(attempts).toEqual([2, 2]);
    expect(first.active.size).toBe(2);
    await dispatcher.detach(first);
  });

  it('gives new work to the least busy runner', async () => {
    const left = session('left', 2);
    const right = session('right', 2);
    dispatcher.attach(left);
    dispatcher.attach(right);
    await queueRuns(2);
    dispatcher.wake();
    const [toLeft, toRight] = await Promise.all([left.assigned(1), right.assigned(1)]);
    expect([toLeft.length, toRight.length]).toEqual([1, 1]);
    await dispatcher.handle(left, { type: 'run-end', runId: toLeft[0]!, attempt: 1, status: 'succeeded' });
    await dispatcher.handle(right, { type: 'run-end', runId: toRight[0]!, attempt: 1, status: 'succeeded' });
    await dispatcher.detach(left);
    await dispatcher.detach(right);
  });

  it('tells the runner holding a run to stop when it is cancelled', async () => {
    const [runId] = await queueRuns(1);
    const runner = session('holder', 1);
    dispatcher.attach(runner);
    await runner.assigned(1);
    const run = await dispatcher.cancel(ownerId, runId!);
    expect(run?.status).toBe('cancelled');
    expect(runner.sent.at(-1)).toEqual({ type: 'run-cancel', runId, attempt: 1 });
    expect(finished.at(-1)?.run).toMatchObject({ id: runId, status: 'cancelled' });
    expect(await dispatcher.cancel(randomUUID(), runId!)).toBeNull(); // someone else's run
    await dispatcher.detach(runner);
  });
});
