import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleDetailResponseSchema, ScheduleResponseSchema } from '../protocol/index.ts';
import { captureLogs, isFire, type CapturedLogs, type LogLine } from '../server/schedules/testing.ts';
import { createTestDatabase, type TestDatabase } from '../server/store/testing/test-database.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Schedules across restarts and server instances, on one real database: the fires continue
// after a restart, a fire missed while no server ran is run once at start-up (never a storm of
// catch-up runs), and two instances fire each due time once (Agenda's lock on the job row).

const TASK = 'go to http://127.0.0.1:9/a';
const PROCESS_EVERY_MS = 250;

describe('schedules across restarts and instances', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function database(): Promise<{ database: TestDatabase; db: pg.Client }> {
    const database = await createTestDatabase();
    const db = new pg.Client(database.url);
    await db.connect();
    cleanup.push(async () => {
      await db.end();
      await database.drop();
    });
    return { database, db };
  }

  async function serverOn(database: TestDatabase, logs = captureLogs()): Promise<{ server: TestServer; logs: CapturedLogs }> {
    const server = await startTestServer({ database, logger: logs.logger, scheduleProcessEveryMs: PROCESS_EVERY_MS });
    let stopped = false;
    const stop = server.stop;
    server.stop = async () => {
      if (stopped) return;
      stopped = true;
      await stop();
    };
    cleanup.push(() => server.stop());
    return { server, logs };
  }

  async function create(server: TestServer, body: object) {
    const response = await server.api('/api/schedules', { body: { prompt: TASK, ...body } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return ScheduleResponseSchema.parse(response.body).schedule;
  }

  const fires = async (db: pg.Client, scheduleId: string) =>
    (await db.query<{ due_at: Date; trigger: string; run_id: string }>('SELECT due_at, trigger, run_id FROM schedule_runs WHERE schedule_id = $1 ORDER BY due_at', [scheduleId])).rows;

  it('keeps firing after the server restarts on the same database', async () => {
    const { database: shared, db } = await database();
    const first = await serverOn(shared);
    const schedule = await create(first.server, { when: 'every 1 second' });
    await first.logs.waitForCount(isFire(schedule.id), 2, { what: 'fires before the restart' });
    await first.server.stop();
    const before = await fires(db, schedule.id);

    const second = await serverOn(shared);
    await second.logs.waitForCount(isFire(schedule.id), 2, { what: 'fires after the restart' });
    await second.server.stop();
    const after = await fires(db, schedule.id);
    expect(after.length).toBeGreaterThanOrEqual(before.length + 2);
    expect(after.slice(0, before.length)).toEqual(before);
    // One run per due time, in order, each in the schedule's conversation.
    expect(new Set(after.map((fire) => fire.due_at.getTime())).size).toBe(after.length);
    const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM runs WHERE conversation_id = $1', [schedule.conversationId]);
    expect(rows[0]!.count).toBe(after.length);
    expect(first.logs.lines.filter(isFire(schedule.id)).length + second.logs.lines.filter(isFire(schedule.id)).length).toBe(after.length);
  });

  it('runs a schedule whose fires were missed while no server ran once at start-up, then counts from now', async () => {
    const { database: shared, db } = await database();
    const first = await serverOn(shared);
    const interval = await create(first.server, { when: 'every 1 minute', name: 'interval' });
    const cron = await create(first.server, { when: '* * * * * UTC', name: 'cron' });
    await first.server.stop();
    // The server was down for ten minutes: ten fires of each were missed.
    await db.query(
      `UPDATE agenda_jobs SET next_run_at = now() - interval '10 minutes', last_run_at = now() - interval '11 minutes' WHERE data ->> 'scheduleId' = ANY($1)`,
      [[interval.id, cron.id]],
    );

    const second = await serverOn(shared);
    const caughtUp = await Promise.all([interval, cron].map((schedule) => second.logs.waitFor(isFire(schedule.id), { what: `the catch-up of ${schedule.name}` })));
    expect(caughtUp.map((line) => line.trigger)).toEqual(['missed', 'missed']);
    // Never a storm: while a control schedule fires three times, neither runs again, and each next time is ahead.
    const control = await create(second.server, { when: 'every 1 second', name: 'control' });
    await second.logs.waitForCount(isFire(control.id), 3, { what: 'control fires' });
    for (const schedule of [interval, cron]) {
      const { runs, schedule: view } = ScheduleDetailResponseSchema.parse((await second.server.api(`/api/schedules/${schedule.id}`)).body);
      const missed = runs.filter((run) => run.trigger === 'missed');
      expect(missed).toHaveLength(1);
      const [run] = missed;
      // It stands for the latest time it was due, within the last minute.
      const created = Date.parse(run!.createdAt);
      expect(Date.parse(run!.dueAt)).toBeLessThanOrEqual(created);
      expect(Date.parse(run!.dueAt)).toBeGreaterThan(created - 60_000);
      expect(Date.parse(view.nextRunAt!)).toBeGreaterThan(created);
      // Any other run is a regular fire after it (the cron's next minute may have come meanwhile).
      for (const other of runs.filter((candidate) => candidate !== run)) {
        expect(other.trigger).toBe('schedule');
        expect(Date.parse(other.dueAt)).toBeGreaterThan(created);
      }
    }
    const cronDue = new Date(caughtUp[1]!.dueAt as string);
    expect([cronDue.getUTCSeconds(), cronDue.getUTCMilliseconds()]).toEqual([0, 0]);
  });

  it('keeps firing when the scheduler\'s LISTEN connection is killed', async () => {
    const { database: shared, db } = await database();
    const { server, logs } = await serverOn(shared);
    const schedule = await create(server, { when: 'every 1 second' });
    await logs.waitFor(isFire(schedule.id));
    const { rowCount } = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "agenda_jobs%' AND datname = current_database()`);
    expect(rowCount).toBe(1);
    await logs.waitFor((line) => line.msg.includes('LISTEN connection failed'), { what: 'the failure logged' });
    const seen = logs.lines.filter(isFire(schedule.id)).length;
    await logs.waitForCount(isFire(schedule.id), seen + 3, { what: 'fires after the connection was killed' });
  });

  it('fires each due time once with two server instances on one database', async () => {
    const { database: shared, db } = await database();
    // One log for both: each fire's line names the instance that fired it.
    const logs = captureLogs();
    const a = await serverOn(shared, logs);
    const b = await serverOn(shared, logs);
    // Three schedules, made on either instance; both look for due jobs every 250 ms and compete for each.
    const schedules = [await create(a.server, { when: 'every 1 second' }), await create(b.server, { when: 'every 1 second' }), await create(a.server, { when: 'every 1 second' })];
    const ids = new Set(schedules.map((schedule) => schedule.id));
    const ours = (line: LogLine) => isFire()(line) && ids.has(line.scheduleId as string);
    await logs.waitForCount(ours, 15, { timeoutMs: 40_000, what: 'fires on either instance' });
    // The instance that fired last stops (its jobs are released); the other takes every schedule over.
    const last = logs.lines.filter(ours).at(-1)!.instance;
    const instanceOf = async (server: TestServer) => (await server.api('/admin/jobs/api/stats')).body.queueName as string;
    const [first, second] = (await instanceOf(a.server)) === last ? [a, b] : [b, a];
    await first.server.stop();
    const survivor = await instanceOf(second.server);
    await logs.waitForCount((line) => ours(line) && line.instance === survivor, logs.lines.filter((line) => ours(line) && line.instance === survivor).length + 6, { what: 'fires on the other instance' });
    // Stopping waits for fires under way, so every fire is counted below.
    await second.server.stop();

    const { rows } = await db.query<{ schedule_id: string; due_at: Date; runs: number }>(
      `SELECT sr.schedule_id, sr.due_at, count(*)::int AS runs FROM schedule_runs sr WHERE sr.schedule_id = ANY($1) GROUP BY 1, 2`,
      [[...ids]],
    );
    expect(rows.length).toBeGreaterThanOrEqual(21);
    expect(rows.filter((row) => row.runs !== 1)).toEqual([]);
    // Each fire Agenda handed to either instance made exactly one run: none was fired twice
    // (the database's unique due time would have skipped it, with a warning).
    const fired = logs.lines.filter(ours);
    expect(fired).toHaveLength(rows.length);
    expect(logs.lines.filter((line) => line.msg.includes('fired twice'))).toEqual([]);
    const { rows: runs } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM runs WHERE conversation_id = ANY($1)', [schedules.map((schedule) => schedule.conversationId)]);
    expect(runs[0]!.count).toBe(rows.length);
    const byInstance = Object.entries(Object.groupBy(fired, (line) => String(line.instance))).map(([instance, lines]) => `${lines!.length} on ${instance}`);
    expect(byInstance).toHaveLength(2);
    console.info(`two instances: ${byInstance.join(', ')}; ${rows.length} due times, each run once`);
  });
});
