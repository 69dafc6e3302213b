import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackLinkCodeResponseSchema } from '../protocol/index.ts';
import { createLogger } from '../server/logger.ts';
import { createSlackCommandHandler } from '../server/slack/slack-commands.ts';
import { createSlackReplies } from '../server/slack/slack-replies.ts';
import { signSlackRequest } from '../server/slack/verify-slack-signature.ts';
import { createGrowingList, type GrowingList } from './harness/growing-list.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Slack's slash commands through real HTTP and PostgreSQL: requests signed as Slack signs them,
// a runner socket driven by hand, and a local HTTP server standing in for Slack's response_url.

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TEAM = 'T1DC2JH3J';
const LINKED_USER = 'U2CERLKJA';

// Slack's published example ("Verifying requests from Slack"), byte for byte.
const SLACK_EXAMPLE = {
  timestamp: 1531420618,
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

type FakeSlack = { origin: string; received: GrowingList<{ path: string; contentType: string; body: any }>; close(): Promise<void> };

/** Stands in for hooks.slack.com: collects what is POSTed to response URLs. */
async function startFakeSlack(): Promise<FakeSlack> {
  const received = createGrowingList<{ path: string; contentType: string; body: any }>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let server: TestServer;
let unconfigured: TestServer;
let slackSide: FakeSlack;
let elsewhere: FakeSlack;
let runner: RunnerSocket;
/** The clock the server checks signatures against; Date.now unless a test sets it. */
let clock: (() => number) | undefined;

beforeAll(async () => {
  [slackSide, elsewhere] = await Promise.all([startFakeSlack(), startFakeSlack()]);
  server = await startTestServer({ slackSigningSecret: SECRET, slackResponseOrigins: [slackSide.origin], slackNow: () => (clock ?? Date.now)() });
  unconfigured = await startTestServer();
  runner = await connectRunnerSocket(server, randomUUID(), { capacity: 8 });
});
afterAll(async () => {
  await runner?.close();
  await Promise.all([server?.stop(), unconfigured?.stop()]);
  await Promise.all([server?.database.drop(), unconfigured?.database.drop(), slackSide?.close(), elsewhere?.close()]);
});

function form(fields: { text: string; command?: string; user?: string; team?: string; responseUrl?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token-unused',
    team_id: fields.team ?? TEAM,
    team_domain: 'example',
    channel_id: 'C0123',
    channel_name: 'general',
    user_id: fields.user ?? LINKED_USER,
    user_name: 'roadrunner',
    command: fields.command ?? '/skipper',
    text: fields.text,
    response_url: fields.responseUrl ?? `${slackSide.origin}/commands/${TEAM}/${randomUUID()}`,
    // Unique per command, as Slack's are: two commands never have the same body.
    trigger_id: randomUUID(),
  }).toString();
}

/** POSTs a body as Slack does, signed with `signedBody` at `signedAt` unless told otherwise. */
async function postCommand(
  body: string,
  options: { timestamp?: number; signature?: string; target?: TestServer } = {},
): Promise<{ status: number; body: any; ms: number }> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = options.signature ?? `v0=${signSlackRequest(SECRET, timestamp, Buffer.from(body))}`;
  const started = performance.now();
  const response = await fetch(`${(options.target ?? server).baseUrl}/api/slack/commands`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': signature },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), ms: performance.now() - started };
}

async function command(fields: Parameters<typeof form>[0]) {
  const answer = await postCommand(form(fields));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.response_type).toBe('ephemeral');
  return answer.body as { response_type: 'ephemeral'; text: string; blocks?: any[] };
}

async function linkCode(): Promise<string> {
  const { status, body } = await server.api('/api/slack/link-codes', { method: 'POST' });
  expect(status).toBe(201);
  return SlackLinkCodeResponseSchema.parse(body).code;
}

/** What the owner has: runs, newest first, and conversations; "nothing runs" means these do not change. */
async function footprint() {
  const ownerId = (await server.store.users.ensure('local')).id;
  const latest = await server.store.runs.latest(ownerId);
  const conversations = await server.store.conversations.list(ownerId, { limit: 100 });
  return { latest: latest?.run.id ?? null, conversations: conversations.conversations.length };
}

describe('Slack slash commands', () => {
  it('answers 404 while SLACK_SIGNING_SECRET is unset', async () => {
    const answer = await postCommand(form({ text: 'help' }), { target: unconfigured });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not-found');
    expect((await unconfigured.api('/api/slack/link-codes', { method: 'POST' })).status).toBe(404);
  });

  it("accepts Slack's published example request, byte for byte, and tells its unlinked user how to link", async () => {
    clock = () => (SLACK_EXAMPLE.timestamp + 30) * 1000;
    try {
      const answer = await postCommand(SLACK_EXAMPLE.body, { timestamp: SLACK_EXAMPLE.timestamp, signature: SLACK_EXAMPLE.signature });
      expect(answer.status).toBe(200);
      // `/webhook-collect` with no text is this app's own command: it answers with help, and the user is not linked.
      expect(answer.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('not linked to skipper yet') });
      expect(answer.body.text).toContain('/link CODE');
      // The same request again is a replay.
      const again = await postCommand(SLACK_EXAMPLE.body, { timestamp: SLACK_EXAMPLE.timestamp, signature: SLACK_EXAMPLE.signature });
      expect(again.status).toBe(401);
    } finally {
      clock = undefined;
    }
    // On the real clock the example is years old.
    const stale = await postCommand(SLACK_EXAMPLE.body, { timestamp: SLACK_EXAMPLE.timestamp, signature: SLACK_EXAMPLE.signature });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('too old') });
  });

  it('gives an unlinked Slack user instructions only, never access', async () => {
    const before = await footprint();
    for (const text of [`run go to ${server.baseUrl}/demo/login`, 'status', 'plan go somewhere', 'schedules', `cancel ${randomUUID()}`]) {
      const answer = await command({ text, user: 'U0NOTLINKED' });
      expect(answer.text).toMatch(/^This Slack account is not linked to skipper yet/);
      expect(answer.text).not.toContain('Running');
    }
    expect(await footprint()).toEqual(before);
  });

  it('links a Slack user with a one-time code, and refuses a bad or used code', async () => {
    const code = await linkCode();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect((await command({ text: 'link NOPE-NOPE', user: LINKED_USER })).text).toMatch(/^That code does not work/);
    expect((await command({ text: `link ${code.toLowerCase()}`, user: LINKED_USER })).text).toMatch(/^Linked: this Slack account now acts as your skipper account/);
    // Used once: another Slack user cannot link with it, and stays unlinked.
    expect((await command({ text: `link ${code}`, user: 'U0SECOND' })).text).toMatch(/^That code does not work/);
    expect((await command({ text: 'status', user: 'U0SECOND' })).text).toMatch(/^This Slack account is not linked/);
    // The code is stored only as a hash.
    const database = new pg.Client(server.database.url);
    await database.connect();
    try {
      const { rows } = await database.query<{ hash: Buffer }>('SELECT code_hash AS hash FROM slack_link_codes');
      expect(rows.length).toBeGreaterThan(0);
      for (const { hash } of rows) expect(hash.includes(Buffer.from(code.replace('-', '')))).toBe(false);
    } finally {
      await database.end();
    }
  });

  it('runs a task sent as /run, acknowledges at once, and posts the result as Block Kit to response_url', async () => {
    const page = `${server.baseUrl}/demo/login`;
    const responsePath = `/commands/${TEAM}/${randomUUID()}`;
    const answer = await command({ command: '/run', text: `go to ${page}, read the text of "h1", take a screenshot`, responseUrl: `${slackSide.origin}${responsePath}` });
    expect(answer.text).toMatch(/^Running 3 steps as run `[0-9a-f]{8}`: http:\/\/localhost:\d+\/c\/[0-9a-f-]{36} I will post the result here when it ends\.$/);
    const shortRunId = /run `([0-9a-f]{8})`/.exec(answer.text)![1]!;

    // The runner does the work: three steps, an extracted value and a screenshot.
    const assign = await runner.next('run-assign', (message) => message.runId.startsWith(shortRunId));
    expect(assign.steps).toEqual([{ type: 'goto', url: page }, { type: 'extract', target: 'h1' }, { type: 'screenshot' }]);
    const ref = { runId: assign.runId, attempt: assign.attempt };
    let seq = 0;
    for (const index of [0, 1, 2]) {
      runner.send({ type: 'step-start', ...ref, seq: ++seq, index });
      if (index === 2) runner.sendBinary({ type: 'step-screenshot', ...ref, seq: ++seq, index, mimeType: 'image/jpeg' }, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
      runner.send({ type: 'step-end', ...ref, seq: ++seq, index, status: 'succeeded', durationMs: 5, ...(index === 1 && { output: { text: 'Sign in <!channel> & co' } }) });
    }
    runner.send({ type: 'run-end', ...ref, seq: ++seq, status: 'succeeded' });

    const delivered = await slackSide.received.waitFor((item) => item.path === responsePath, { timeoutMs: 10_000, describe: () => JSON.stringify(slackSide.received.items) });
    expect(delivered.contentType).toBe('application/json');

    const { run } = (await server.api(`/api/runs/${assign.runId}`)).body;
    const screenshot = run.steps[2].screenshot.artifactId;
    const publicUrl = /^(http:\/\/localhost:\d+)/.exec(answer.text.split(': ')[1]!)![1];
    expect(delivered.body).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Run ${shortRunId} succeeded: Done: all 3 steps succeeded in ${/in (\d+\.\d s)/.exec(JSON.stringify(delivered.body))![1]}.`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '✅ Run succeeded', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: expect.stringMatching(/^Done: all 3 steps succeeded in \d+\.\d s\.$/) } },
        // What the page said is escaped: it cannot mention @channel or make links.
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Read the text of "h1"*\n"Sign in &lt;!channel&gt; &amp; co"' }] },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `<${publicUrl}/c/${run.conversationId}|Open the run in skipper>  ·  <${publicUrl}/api/artifacts/${screenshot}|Last screenshot>` },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Run \`${shortRunId}\` · 3 steps · succeeded` }] },
      ],
    });
    // Delivered once, and the run is in its conversation like any other.
    expect(slackSide.received.items.filter((item) => item.path === responsePath)).toHaveLength(1);
    const shot = await fetch(`${server.baseUrl}/api/artifacts/${screenshot}`);
    expect(shot.headers.get('content-type')).toBe('image/jpeg');
  });

  it('answers /status and /cancel with the run, and /plan with its steps, without running it', async () => {
    const status = await command({ text: 'status' });
    expect(status.text).toMatch(/^Run \S+ succeeded: Done: all 3 steps/);
    expect(status.blocks?.[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '✅ Run succeeded', emoji: true } });

    const before = await footprint();
    const plan = await command({ command: '/plan', text: `go to ${server.baseUrl}/demo/login, type "hunter2" into "Password", click "Sign in"` });
    expect(plan.text).toContain('Here is the plan (3 steps), not run:\n1. Go to');
    // A password is never sent to Slack.
    expect(plan.text).toContain('2. Type "[secret]" into "Password"');
    expect(plan.text).not.toContain('hunter2');
    const after = await footprint();
    expect(after.latest).toBe(before.latest);

    const cancelled = await command({ text: `cancel ${before.latest!.slice(0, 8)}` });
    expect(cancelled.text).toBe(`Run \`${before.latest!.slice(0, 8)}\` had already ended: succeeded.`);
    expect((await command({ text: 'schedules' })).text).toMatch(/^(Schedules are not available|You have no schedules|Your schedules)/);
    expect((await command({ text: 'pause' })).text).toMatch(/^\/pause needs the id/);
    expect((await command({ text: 'deploy prod' })).text).toMatch(/^I do not know the command \/deploy/);
  });

  it('refuses a wrong signature, a stale timestamp, a body changed after signing and a replay with a new timestamp: 401, nothing runs', async () => {
    const before = await footprint();
    const body = form({ command: '/run', text: `go to ${server.baseUrl}/demo/login` });
    const now = Math.floor(Date.now() / 1000);
    const signed = `v0=${signSlackRequest(SECRET, String(now), Buffer.from(body))}`;
    const attempts = [
      { why: 'wrong signature', body, options: { timestamp: now, signature: `v0=${signSlackRequest('another-secret-entirely', String(now), Buffer.from(body))}` } },
      { why: 'stale timestamp', body, options: { timestamp: now - 301 } },
      { why: 'future timestamp', body, options: { timestamp: now + 301 } },
      { why: 'body changed after signing', body: body.replace('demo%2Flogin', 'demo%2Fform'), options: { timestamp: now, signature: signed } },
      { why: 'replay with a new timestamp', body, options: { timestamp: now + 1, signature: signed } },
      { why: 'no signature', body, options: { timestamp: now, signature: '' } },
    ];
    for (const attempt of attempts) {
      const answer = await postCommand(attempt.body, attempt.options);
      expect(answer.status, attempt.why).toBe(401);
      expect(answer.body.error.code, attempt.why).toBe('unauthorized');
    }
    // Sent as signed, it is fine once; the very same request again is a replay.
    expect((await postCommand(body, { timestamp: now, signature: signed })).status).toBe(200);
    const replay = await postCommand(body, { timestamp: now, signature: signed });
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toContain('replay');
    const after = await footprint();
    // Only the one accepted request ran.
    expect(after.conversations).toBe(before.conversations + 1);
    expect(after.latest).not.toBe(before.latest);
    await server.api(`/api/runs/${after.latest}/cancel`, { method: 'POST' });
  });

  it('never POSTs a result to a response_url outside the allowed origins', async () => {
    const answer = await command({ command: '/run', text: `go to ${server.baseUrl}/demo/login`, responseUrl: `${elsewhere.origin}/commands/x` });
    expect(answer.text).not.toContain('I will post the result');
    const shortRunId = /run `([0-9a-f]{8})`/.exec(answer.text)![1]!;
    const assign = await runner.next('run-assign', (message) => message.runId.startsWith(shortRunId));
    const ref = { runId: assign.runId, attempt: assign.attempt };
    runner.send({ type: 'run-end', ...ref, seq: 1, status: 'succeeded' });
    await runner.next('ack', (ack) => ack.runId === assign.runId && ack.seq === 1);
    await server.events.idle();
    // Nothing was owed to it, so no instance will ever send it anything.
    expect(await server.store.slackLinks.takePendingReply(assign.runId)).toBeNull();
    expect(elsewhere.received.items).toEqual([]);
  });

  it('answers at once when the work is slow, and posts the outcome to response_url when it is done', async () => {
    const logger = createLogger({ level: 'silent', name: 'test' });
    const replies = createSlackReplies({ store: server.store, events: server.events, logger, publicUrl: () => server.baseUrl, allowedOrigins: [slackSide.origin] });
    let finish!: () => void;
    const slowWork = new Promise<void>((resolve) => (finish = resolve));
    const handler = createSlackCommandHandler({
      signingSecret: SECRET,
      store: server.store,
      // A model planning the task, say: done only when the test says so.
      executor: { execute: async () => (await slowWork, { text: 'Planned <slowly> & well.' }) },
      replies,
      logger,
      publicUrl: () => server.baseUrl,
      ackBudgetMs: 50,
    });
    const responsePath = `/commands/${TEAM}/${randomUUID()}`;
    const rawBody = Buffer.from(form({ command: '/plan', text: 'check the dashboard', responseUrl: `${slackSide.origin}${responsePath}` }));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const ack = await handler.handle({ rawBody, timestamp, signature: `v0=${signSlackRequest(SECRET, timestamp, rawBody)}`, contentType: 'application/x-www-form-urlencoded' });
    expect(ack).toEqual({ response_type: 'ephemeral', text: 'Working on /plan… I will answer here in a moment.' });
    finish();
    const delivered = await slackSide.received.waitFor((item) => item.path === responsePath, { timeoutMs: 10_000, describe: () => 'no delayed answer' });
    expect(delivered.body).toEqual({ response_type: 'ephemeral', text: 'Planned &lt;slowly&gt; &amp; well.', replace_original: false });
    await replies.stop();
  });

  it('acknowledges fast: median time from request to acknowledgement over 20 requests', async () => {
    const measure = async (text: string) => {
      const times: number[] = [];
      for (let index = 0; index < 20; index++) times.push((await postCommand(form({ text }))).ms);
      times.sort((a, b) => a - b);
      return { median: (times[9]! + times[10]!) / 2, max: times[19]! };
    };
    const status = await measure('status');
    const run = await measure(`run go to ${server.baseUrl}/demo/login, take a screenshot`);
    console.log(
      `Slack acknowledgement, 20 requests each: /status median ${status.median.toFixed(1)} ms (max ${status.max.toFixed(1)} ms); ` +
        `/run median ${run.median.toFixed(1)} ms (max ${run.max.toFixed(1)} ms)`,
    );
    expect(run.max).toBeLessThan(3_000);
    expect(status.max).toBeLessThan(3_000);
  });
});
