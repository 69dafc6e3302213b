import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createInProcessEvents, type EventPort } from './event-port.ts';
import { createPostgresEvents } from './postgres-events.ts';
import type { SkipperEvent } from './skipper-events.ts';

// The event port between server instances: two ports on one real PostgreSQL database are two
// instances. Events are collected as they arrive; tests wait for them, never for time.

const logger = createLogger({ level: 'silent', name: 'test' });

/** Events of a port as they arrive, with a way to wait for the n-th. */
function collect(port: EventPort) {
  const seen: SkipperEvent[] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  const push = (event: SkipperEvent) => {
    seen.push(event);
    for (const waiter of waiters.filter((candidate) => seen.length >= candidate.count)) waiter.resolve();
  };
  port.subscribe('runs-queued', push);
  port.subscribe('run-ended', push);
  port.subscribe('conversation-deleted', push);
  return {
    seen,
    until: (count: number) =>
      seen.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

const ended = (n: number): SkipperEvent => ({ type: 'run-ended', ownerId: randomUUID(), conversationId: randomUUID(), runId: randomUUID(), status: n % 2 ? 'failed' : 'succeeded' });

describe('events over PostgreSQL LISTEN/NOTIFY', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('reaches every instance, its own included, once each and in publishing order', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => createPostgresEvents({ connectionString: database.url, logger })));
    try {
      const [atA, atB] = [collect(a!), collect(b!)];
      const events = Array.from({ length: 50 }, (_, n) => ended(n));
      for (const event of events) a!.publish(event);
      b!.publish({ type: 'runs-queued' });
      await a!.idle();
      await Promise.all([atA.until(51), atB.until(51)]);
      // Each instance's own events stay in its order; B's one event may fall anywhere among A's.
      expect(atA.seen.filter((event) => event.type === 'run-ended')).toEqual(events);
      expect(atB.seen.filter((event) => event.type === 'run-ended')).toEqual(events);
      expect(atA.seen.filter((event) => event.type === 'runs-queued')).toHaveLength(1);
      expect(atB.seen).toHaveLength(51);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('keeps an event too large for NOTIFY in its own instance, and still delivers it there', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => createPostgresEvents({ connectionString: database.url, logger })));
    try {
      const [atA, atB] = [collect(a!), collect(b!)];
      const small: SkipperEvent = { type: 'conversation-deleted', ownerId: randomUUID(), conversationId: randomUUID() };
      // 200 held runs make a payload past NOTIFY's 8000 bytes.
      const big: SkipperEvent = { type: 'stop-runs', held: Array.from({ length: 200 }, () => ({ runId: randomUUID(), attempt: 1, runnerId: randomUUID() })) };
      let bigAtA = 0;
      let bigAtB = 0;
      a!.subscribe('stop-runs', () => bigAtA++);
      b!.subscribe('stop-runs', () => bigAtB++);
      a!.publish(big);
      a!.publish(small);
      await Promise.all([atA.until(1), atB.until(1)]);
      expect(bigAtA).toBe(1);
      // The small event after it went round, so the big one had its chance: it did not reach B.
      expect(bigAtB).toBe(0);
      expect(atB.seen).toEqual([small]);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('reconnects when its connection is killed, tells subscribers of the gap, and carries events again', async () => {
    const a = await createPostgresEvents({ connectionString: database.url, logger, channel: 'gap_test' });
    const b = await createPostgresEvents({ connectionString: database.url, logger, channel: 'gap_test' });
    try {
      const atB = collect(b);
      let gaps!: () => void;
      const gapped = new Promise<void>((resolve) => (gaps = resolve));
      b.onGap(gaps);
      // A's connection last ran a NOTIFY, B's its LISTEN: kill B's from the server side, as a database restart would.
      a.publish({ type: 'runs-queued' });
      await a.idle();
      await atB.until(1);
      const admin = new pg.Client(database.url);
      await admin.connect();
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "gap_test"%' AND pid <> pg_backend_pid()`);
      await admin.end();
      await gapped;
      a.publish({ type: 'runs-queued' });
      await atB.until(2);
      expect(atB.seen).toEqual([{ type: 'runs-queued' }, { type: 'runs-queued' }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps what it publishes while its own connection is down, and sends it once it is back', async () => {
    const a = await createPostgresEvents({ connectionString: database.url, logger, channel: 'backlog_test' });
    const b = await createPostgresEvents({ connectionString: database.url, logger, channel: 'backlog_test' });
    try {
      const atB = collect(b);
      b.publish({ type: 'runs-queued' });
      await b.idle();
      await atB.until(1);
      let back!: () => void;
      const reconnected = new Promise<void>((resolve) => (back = resolve));
      a.onGap(back);
      const admin = new pg.Client(database.url);
      await admin.connect();
      // A's connection last ran its LISTEN (B's a NOTIFY): kill A's.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "backlog_test"%' AND pid <> pg_backend_pid()`);
      await admin.end();
      const events = [ended(1), ended(2)];
      // Published while A may still be reconnecting: they must reach B all the same, in order.
      for (const event of events) a.publish(event);
      await reconnected;
      await atB.until(3);
      expect(atB.seen.slice(1)).toEqual(events);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('ignores a notification on its channel that is not a skipper event', async () => {
    const a = await createPostgresEvents({ connectionString: database.url, logger, channel: 'foreign_test' });
    try {
      const atA = collect(a);
      const other = new pg.Client(database.url);
      await other.connect();
      await other.query(`SELECT pg_notify('foreign_test', '{"type":"runs-queued"}'), pg_notify('foreign_test', 'not json')`);
      await other.end();
      a.publish({ type: 'runs-queued' });
      await a.idle();
      // Only the real event, enveloped by a port, counts.
      expect(atA.seen).toEqual([{ type: 'runs-queued' }]);
    } finally {
      await a.close();
    }
  });
});

describe('events in one process', () => {
  it('delivers asynchronously, in order, and a failing subscriber does not stop the others', async () => {
    const port = createInProcessEvents({ logger });
    const seen: string[] = [];
    port.subscribe('run-ended', () => {
      throw new Error('broken subscriber');
    });
    port.subscribe('run-ended', (event) => seen.push(event.runId));
    const events = [ended(1), ended(2), ended(3)];
    for (const event of events) port.publish(event);
    expect(seen).toEqual([]);
    await port.idle();
    expect(seen).toEqual(events.map((event) => (event as { runId: string }).runId));
  });
});
