import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import type { ChatMessage, RunView } from '../../protocol/index.ts';
import { findFreePort } from '../../server/net/find-free-port.ts';
import { startRunnerProcess, type RunnerProcess } from './runner-process.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { connectUi, runOf } from './ui-client.ts';

// Many short runs while the runner and the server are killed with SIGKILL at random points
// and started again; then the invariants a user relies on are checked. Shared by
// test/fault-injection.test.ts (short) and scripts/fault-injection.ts (long).

export type FaultInjectionOptions = {
  /** A PostgreSQL database the server may use; the check reads it too. */
  databaseUrl: string;
  /** Runs to request. */
  runs: number;
  /** SIGKILLs of a runner and of the server, spread over the time runs are being made. */
  runnerKills: number;
  serverKills: number;
  /** Seed of the random choices, printed so a failure can be replayed. */
  seed?: number;
  log?: (line: string) => void;
};

export type FaultInjectionReport = {
  seed: number;
  runsRequested: number;
  runsFound: number;
  runnerKills: number;
  serverKills: number;
  outcomes: Record<string, number>;
  retriedRuns: number;
  wallMs: number;
  /** Each invariant that did not hold, with the runs involved. Empty when all held. */
  violations: string[];
  /** When something did not hold: the last log lines of the runner and the server, to start from. */
  logs?: { runner: unknown[]; server: string; database: unknown[] };
};

const LEASE_MS = 2_000;
const MAX_DURATION_MS = 30_000;

/** A small deterministic generator (mulberry32), so a seed replays the same choices. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pages runs visit: served by this process, so killing the server does not take them down. */
async function startSite() {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>Form</title>
      <label>Name <input id="name"></label>
      <button onclick="document.querySelector('#result').textContent = 'Saved ' + document.querySelector('#name').value">Save</button>
      <p id="result">Not saved</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function runFaultInjection(options: FaultInjectionOptions): Promise<FaultInjectionReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const next = random(seed);
  const log = options.log ?? (() => {});
  const startedAt = performance.now();
  const site = await startSite();
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const token = randomBytes(16).toString('hex');
  const serverEnv = {
    DATABASE_URL: options.databaseUrl,
    RUNNER_TOKEN: token,
    PORT: String(port),
    RUN_LEASE_MS: String(LEASE_MS),
    RUNNER_RECONNECT_GRACE_MS: '1000',
    RUN_MAX_ATTEMPTS: '3',
    RUN_MAX_DURATION_MS: String(MAX_DURATION_MS),
    RUN_MAX_QUEUED_PER_USER: String(options.runs + 10),
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'error',
  };
  let server: ServerProcess = await startServerProcess(serverEnv);
  const startRunner = () =>
    startRunnerProcess({ serverUrl: `ws://127.0.0.1:${port}/ws/runner`, token, name: `chaos-${randomUUID().slice(0, 8)}`, concurrency: 3, waitForConnection: false });
  let runner: RunnerProcess = await startRunner();

  async function api(path: string, body?: unknown): Promise<{ status: number; body: any }> {
    // While the server is down (or restarting), ask again: the same clientMessageId makes a retry safe.
    for (;;) {
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'Content-Type': 'application/json' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        if (response.status < 500) return { status: response.status, body: await response.json() };
      } catch {
        // connection refused or reset: the server is down
      }
      await sleep(100);
    }
  }

  const conversationId = (await api('/api/conversations', {})).body.conversation.id as string;
  const acknowledged = new Set<string>();
  let chaosOver = false;
  let runnerKills = 0;
  let serverKills = 0;

  async function makeRuns() {
    for (let index = 0; index < options.runs; index += 1) {
      // Half the runs click a button, which is not repeated once started; half only read and type.
      const click = next() < 0.5;
      const text = click
        ? `go to ${site.url}/?run=${index}, type "run ${index}" into "Name", click "Save", then check that the page shows "Saved run ${index}"`
        : `go to ${site.url}/?run=${index}, type "run ${index}" into "Name", read the text of "#result", then take a screenshot`;
      const posted = await api(`/api/conversations/${conversationId}/messages`, { text, clientMessageId: `chaos-${index}` });
      const run = (posted.body.messages as ChatMessage[] | undefined)?.map(runOf).find(Boolean);
      if (posted.status === 201 && run) acknowledged.add(run.id);
      await sleep(50 + next() * 250);
    }
  }

  async function makeTrouble() {
    const kills = [...Array(options.runnerKills).fill('runner'), ...Array(options.serverKills).fill('server')] as ('runner' | 'server')[];
    // Shuffled, so the order of kills is as random as their timing.
    for (let index = kills.length - 1; index > 0; index -= 1) {
      const other = Math.floor(next() * (index + 1));
      [kills[index], kills[other]] = [kills[other]!, kills[index]!];
    }
    for (const target of kills) {
      await sleep(300 + next() * 1_200);
      if (target === 'runner') {
        runner.child.kill('SIGKILL');
        await runner.exited;
        runnerKills += 1;
        await sleep(next() * 800);
        runner = await startRunner();
      } else {
        server.child.kill('SIGKILL');
        await server.exited;
        serverKills += 1;
        await sleep(next() * 800);
        server = await startServerProcess(serverEnv);
      }
      log(`killed the ${target} (${runnerKills} runner, ${serverKills} server kills so far)`);
    }
    chaosOver = true;
  }

  await Promise.all([makeRuns(), makeTrouble()]);
  log(`made ${options.runs} runs; chaos over: ${chaosOver}`);

  // Every run must now end: the backlog drains, and a run that stops making progress for longer
  // than a lease plus the longest a run may take is stuck.
  const stuckAfterMs = LEASE_MS * 2 + MAX_DURATION_MS + 5_000;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  let runs: RunView[] = [];
  let messages: ChatMessage[] = [];
  try {
    let lastState = '';
    let lastChangeAt = performance.now();
    for (;;) {
      messages = await allMessages(api, conversationId);
      runs = messages.flatMap((message) => (runOf(message) ? [runOf(message)!] : []));
      const open = runs.filter((run) => !['succeeded', 'failed', 'cancelled'].includes(run.status));
      const { rows } = await pool.query<{ missing: number }>(
        `SELECT count(*)::integer AS missing FROM runs r WHERE r.conversation_id = $1 AND r.status IN ('succeeded', 'failed', 'cancelled')
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.summary_of = r.id)`,
        [conversationId],
      );
      if (open.length === 0 && rows[0]!.missing === 0) break;
      const state = JSON.stringify([open, rows[0]!.missing]);
      if (state !== lastState) {
        lastState = state;
        lastChangeAt = performance.now();
      } else if (performance.now() - lastChangeAt > stuckAfterMs) {
        break;
      }
      await sleep(500);
    }
    const activity = (await pool.query(
      `SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_transaction, left(query, 200) AS query
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    )).rows.concat((await pool.query(`SELECT id, status, attempt, runner_id, lease_expires_at - now() AS lease_left, deadline_at - now() AS deadline_left, released_at FROM runs WHERE status = 'running'`)).rows);
    const violations = await checkInvariants({ api, pool, baseUrl, conversationId, acknowledged, sent: options.runs, runs, messages });
    const outcomes: Record<string, number> = {};
    for (const run of runs) {
      const key = run.status === 'failed' ? `failed (${run.error?.code ?? 'no code'})` : run.status;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    return {
      seed,
      runsRequested: options.runs,
      runsFound: runs.length,
      runnerKills,
      serverKills,
      outcomes,
      retriedRuns: runs.filter((run) => run.attempt > 1).length,
      wallMs: Math.round(performance.now() - startedAt),
      violations,
      ...(violations.length > 0 && { logs: { runner: runner.logs.slice(-40), server: server.stderr().slice(-20_000), database: activity } }),
    };
  } finally {
    await pool.end();
    runner.child.kill('SIGKILL');
    server.child.kill('SIGTERM');
    await Promise.all([runner.exited, server.exited]);
    await site.close();
  }
}

type Api = (path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** The whole conversation, page by page from the newest. */
async function allMessages(api: Api, conversationId: string): Promise<ChatMessage[]> {
  const pages: ChatMessage[][] = [];
  let before = '';
  for (;;) {
    const { body } = await api(`/api/conversations/${conversationId}/messages?limit=100${before ? `&before=${before}` : ''}`);
    pages.unshift(body.messages);
    if (!body.hasOlder) return pages.flat();
    before = body.messages[0].id;
  }
}

async function checkInvariants(input: {
  api: Api;
  pool: pg.Pool;
  baseUrl: string;
  conversationId: string;
  acknowledged: Set<string>;
  sent: number;
  runs: RunView[];
  messages: ChatMessage[];
}): Promise<string[]> {
  const { api, pool, baseUrl, conversationId, acknowledged, sent, runs, messages } = input;
  const violations: string[] = [];
  const fail = (what: string, ids: string[]) => ids.length > 0 && violations.push(`${what}: ${ids.join(', ')}`);
  const byId = new Map(runs.map((run) => [run.id, run]));

  fail('runs acknowledged but lost', [...acknowledged].filter((id) => !byId.has(id)));
  fail('runs not ended in time', runs.filter((run) => !['succeeded', 'failed', 'cancelled'].includes(run.status)).map((run) => run.id));
  fail(
    'runs succeeded with a step missing',
    runs.filter((run) => run.status === 'succeeded' && !run.steps.every((step) => step.status === 'succeeded' && step.screenshot)).map((run) => run.id),
  );
  fail(
    'runs whose attempts are not all shown',
    runs
      .filter((run) => run.attempt > 0 && run.earlierAttempts.map((attempt) => attempt.attempt).join() !== Array.from({ length: run.attempt - 1 }, (_, index) => index + 1).join())
      .map((run) => run.id),
  );
  // Every message a person sent is stored once, and has exactly one reply.
  const users = messages.filter((message) => message.role === 'user').length;
  if (users !== sent) violations.push(`${sent} messages sent, ${users} stored`);
  const { rows: closings } = await pool.query<{ id: string; closings: number }>(
    `SELECT r.id, (SELECT count(*)::integer FROM messages m WHERE m.summary_of = r.id) AS closings FROM runs r WHERE r.conversation_id = $1`,
    [conversationId],
  );
  fail('runs without exactly one closing message', closings.filter((row) => row.closings !== 1).map((row) => row.id));
  const { rows: unanswered } = await pool.query<{ id: string }>(
    `SELECT m.id FROM messages m WHERE m.conversation_id = $1 AND m.role = 'user'
       AND NOT EXISTS (SELECT 1 FROM messages reply WHERE reply.reply_to = m.id)`,
    [conversationId],
  );
  fail('messages without a reply', unanswered.map((row) => row.id));

  // What the conversation shows is what the run API says, for every run.
  const mismatched: string[] = [];
  for (const run of runs) {
    const { body } = await api(`/api/runs/${run.id}`);
    if (!isDeepStrictEqual(body.run, run)) mismatched.push(run.id);
  }
  const watcher = await connectUi(baseUrl);
  try {
    const snapshot = await watcher.subscribe(conversationId);
    for (const message of snapshot.messages) {
      const run = runOf(message);
      if (run && !isDeepStrictEqual(run, byId.get(run.id))) mismatched.push(run.id);
    }
  } finally {
    watcher.close();
  }
  fail('runs shown differently in the conversation and by the API', mismatched);
  return violations;
}
