// `npm run bench:schedules`: how late schedules fire. One server on embedded PostgreSQL runs a
// schedule every second (SCHEDULE_MIN_INTERVAL lowered to 1 s for it) until it has fired 60
// times, then reads, for each fire, the time from when it was due to when its run was created
// (schedule_runs.due_at -> runs.created_at). Prints the median and p95, with the processEvery
// used: SCHEDULE_PROCESS_EVERY, default as in production (5 seconds).
// Options: --fires N (default 60), --every "every 1 second" (any `when` skipper reads);
// BENCH_VERBOSE=1 also prints each fire's due time and lateness.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadServerConfig } from '../server/config.ts';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { captureLogs, isFire } from '../server/schedules/testing.ts';
import { describeDuration } from '../server/schedules/schedule-spec.ts';
import { startTestServer } from '../test/harness/test-server.ts';

const { values } = parseArgs({ options: { fires: { type: 'string', default: '60' }, every: { type: 'string', default: 'every 1 second' } } });
const fireCount = Number(values.fires);
const config = loadServerConfig({ RUNNER_TOKEN: 'bench-token-of-16+', SCHEDULE_PROCESS_EVERY: process.env.SCHEDULE_PROCESS_EVERY, SCHEDULE_MIN_INTERVAL: '1 second' });
const processEveryMs = config.scheduleProcessEveryMs;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
const logs = captureLogs();
const server = await startTestServer({
  database: { url: postgres.url, drop: async () => {} },
  logger: logs.logger,
  scheduleProcessEveryMs: processEveryMs,
  scheduleMinIntervalMs: config.scheduleMinIntervalMs,
  // Runs stay queued (no runner): the bench measures the scheduler, not the browser.
  maxQueuedPerUser: fireCount + 10,
});
const db = new pg.Client(postgres.url);
await db.connect();

try {
  const created = await server.api('/api/schedules', { body: { when: values.every, prompt: 'go to http://127.0.0.1:9/bench' } });
  if (created.status !== 201) throw new Error(`could not create the schedule: ${JSON.stringify(created.body)}`);
  const { id, spec } = created.body.schedule;
  const startedAt = performance.now();
  await logs.waitForCount(isFire(id), fireCount, { timeoutMs: fireCount * Math.max(processEveryMs, spec.everyMs ?? 60_000) * 2 + 30_000, what: 'fires' });
  const elapsedS = (performance.now() - startedAt) / 1_000;
  await server.api(`/api/schedules/${id}/pause`, { method: 'POST' });
  const { rows } = await db.query<{ late_ms: number; due_at: Date }>(
    `SELECT extract(epoch FROM r.created_at - sr.due_at) * 1000 AS late_ms, sr.due_at
     FROM schedule_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.schedule_id = $1 ORDER BY sr.due_at LIMIT $2`,
    [id, fireCount],
  );
  if (process.env.BENCH_VERBOSE) console.log(rows.map((row) => `${row.due_at.toISOString().slice(14, 23)} +${Math.round(Number(row.late_ms))} ms`).join(', '));
  const late = rows.map((row) => Number(row.late_ms)).sort((a, b) => a - b);
  const gaps = rows.slice(1).map((row, index) => row.due_at.getTime() - rows[index]!.due_at.getTime()).sort((a, b) => a - b);
  console.log(`schedule "${values.every}", processEvery ${describeDuration(processEveryMs)} (SCHEDULE_PROCESS_EVERY), ${rows.length} fires in ${elapsedS.toFixed(1)} s`);
  console.log(`lateness (due -> run created): median ${ms(percentile(late, 0.5))}, p95 ${ms(percentile(late, 0.95))}, max ${ms(late.at(-1)!)}`);
  console.log(`time between due times: median ${ms(percentile(gaps, 0.5))}, p95 ${ms(percentile(gaps, 0.95))}`);
} finally {
  await db.end();
  await server.stop();
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
