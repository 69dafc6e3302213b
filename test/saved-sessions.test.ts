import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionListResponseSchema, type BrowserOptions, type SessionView, type StorageState } from '../protocol/index.ts';
import { createSessionCipher } from '../server/sessions/session-cipher.ts';
import { textParts } from '../server/store/store.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi } from './harness/ui-client.ts';

// Saved browser sessions through the real server, with a runner driven by hand over /ws/runner:
// a run saves its browser state (stored encrypted), the next run of a plan that uses it starts
// from it, nobody else's plan gets it, and a deleted or unknown session fails a run at once.

const COOKIE_VALUE = 'cookie-value-9f2c1d7e-never-in-clear';
const STORAGE_VALUE = 'local-storage-token-51ab-never-in-clear';
const STATE: StorageState = {
  cookies: [
    { name: 'sid', value: COOKIE_VALUE, domain: '.staging.example.com', path: '/', expires: -1, httpOnly: true, secure: true, sameSite: 'Lax' },
  ],
  origins: [{ origin: 'https://app.example.com', localStorage: [{ name: 'token', value: STORAGE_VALUE }] }],
};
const STEPS = [{ type: 'goto', url: 'http://127.0.0.1:9/account' }];

let server: TestServer;
let runner: RunnerSocket;
let database: pg.Pool;
const sessionKey = randomBytes(32);

beforeAll(async () => {
  server = await startTestServer({ sessionKey });
  runner = await connectRunnerSocket(server, randomUUID());
  database = new pg.Pool({ connectionString: server.database.url });
});
afterAll(async () => {
  await runner?.close();
  await database?.end();
  await server?.stop();
  await server?.database.drop();
});

const localOwner = async () => (await server.store.users.ensure('local')).id;

/** Queues a run through the API and takes it as the runner: its run-assign. */
async function assigned(browser: BrowserOptions | undefined, conversationId?: string) {
  const created = await server.api('/api/runs', { body: { steps: STEPS, ...(browser && { browser }), ...(conversationId && { conversationId }) } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return runner.next('run-assign', (message) => message.runId === created.body.run.id);
}

/** Sends an event as the runner and waits for its ack. */
async function report(event: { type: string; runId: string; attempt: number; seq: number } & Record<string, unknown>) {
  runner.send(event);
  await runner.next('ack', (ack) => ack.runId === event.runId && ack.seq === event.seq);
}

/** Runs a plan that saves its session as `name`, the runner reporting `state`. */
async function saveSession(name: string, state: StorageState = STATE) {
  const assign = await assigned({ session: { saveAs: name } });
  const ref = { runId: assign.runId, attempt: assign.attempt };
  await report({ type: 'session-state', ...ref, seq: 1, state });
  await report({ type: 'run-end', ...ref, seq: 2, status: 'succeeded' });
  return assign;
}

async function listed(): Promise<SessionView[]> {
  const { status, body } = await server.api('/api/sessions');
  expect(status).toBe(200);
  return SessionListResponseSchema.parse(body).sessions;
}

describe('saved browser sessions', () => {
  it('keeps the state a run reports as the session its plan saves, encrypted, and lists it without its state', async () => {
    const assign = await saveSession('staging');
    expect(assign.browser).toEqual({ session: { saveAs: 'staging' } });
    expect(assign).not.toHaveProperty('storageState');

    const { rows } = await database.query<{ owner_id: string; name: string; state: Buffer; sites: string[] }>(
      `SELECT owner_id, name, state, sites FROM browser_sessions WHERE name = 'staging'`,
    );
    expect(rows).toHaveLength(1);
    const stored = rows[0]!;
    for (const encoding of ['utf8', 'latin1', 'hex', 'base64'] as const) {
      expect(stored.state.toString(encoding)).not.toContain(COOKIE_VALUE);
      expect(stored.state.toString(encoding)).not.toContain(STORAGE_VALUE);
    }
    // Sealed with the server's key, for this owner and name: it opens to exactly what the runner sent.
    expect(createSessionCipher({ key: sessionKey }).open({ ownerId: stored.owner_id, name: 'staging', sealed: stored.state })).toEqual(STATE);
    expect(stored.sites).toEqual(['app.example.com', 'staging.example.com']);

    const response = await server.api('/api/sessions');
    expect(JSON.stringify(response.body)).not.toContain(COOKIE_VALUE);
    const [session] = (await listed()).filter((candidate) => candidate.name === 'staging');
    expect(session).toMatchObject({ name: 'staging', sites: ['app.example.com', 'staging.example.com'], runId: assign.runId });
    const days = (Date.parse(session!.expiresAt) - Date.parse(session!.savedAt)) / 86_400_000;
    expect(days).toBe(30);
  });

  it('starts the next run of a plan that uses it from the saved state, whatever the case of its name', async () => {
    await saveSession('shop');
    const browser: BrowserOptions = { session: { use: 'SHOP' }, locale: 'de-DE', viewport: { width: 390, height: 844 } };
    const assign = await assigned(browser);
    expect(assign.browser).toEqual(browser);
    expect(assign.storageState).toEqual(STATE);
    await report({ type: 'run-end', runId: assign.runId, attempt: assign.attempt, seq: 1, status: 'succeeded' });
  });

  it('gives it to no other owner’s plan: that run fails at once, naming the session', async () => {
    await saveSession('bank');
    const other = (await server.store.users.ensure(`someone-else-${randomUUID()}`)).id;
    const conversation = await server.store.conversations.create(other, {});
    const queued = await server.store.messages.appendAssistant(other, conversation.id, {
      parts: textParts('Running it.'),
      plan: { source: 'api', steps: [{ type: 'goto', url: 'http://127.0.0.1:9/' }], browser: { session: { use: 'bank' } } },
      run: { maxAttempts: 1, maxQueued: 50 },
    });
    const otherRunId = queued?.status === 'appended' ? queued.runId! : '';
    expect(otherRunId).not.toBe('');
    // The dispatcher takes the oldest run first: the other owner's is refused before this one is assigned.
    const mine = await assigned(undefined);
    await report({ type: 'run-end', runId: mine.runId, attempt: mine.attempt, seq: 1, status: 'succeeded' });

    const refused = await server.store.runs.get(other, otherRunId);
    expect(refused?.run).toMatchObject({ status: 'failed', error: { code: 'not-found' } });
    expect(refused?.run.error?.message).toContain('There is no saved session "bank"');
    expect(await server.store.sessions.list(other)).toEqual([]);
    expect(await server.store.sessions.delete(other, 'bank')).toBe(false);
    expect((await listed()).map((session) => session.name)).toContain('bank');
  });

  it('deletes it: it is no longer listed, and a run that uses it fails at once with a clear error', async () => {
    await saveSession('old login.v2');
    expect((await listed()).map((session) => session.name)).toContain('old login.v2');
    expect((await server.api(`/api/sessions/${encodeURIComponent('OLD LOGIN.v2')}`, { method: 'DELETE' })).status).toBe(204);
    expect((await listed()).map((session) => session.name)).not.toContain('old login.v2');
    const again = await server.api(`/api/sessions/${encodeURIComponent('old login.v2')}`, { method: 'DELETE' });
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    expect(again.body.error.message).toContain('"old login.v2"');

    const conversationId = (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
    const ui = await connectUi(server.baseUrl);
    await ui.subscribe(conversationId);
    const created = await server.api('/api/runs', { body: { steps: STEPS, browser: { session: { use: 'old login.v2' } }, conversationId } });
    expect(created.status).toBe(201);
    const failed = await ui.waitForRun(created.body.run.id, (run) => run.status === 'failed');
    expect(failed.error).toEqual({
      code: 'not-found',
      message: 'There is no saved session "old login.v2" (it may have expired). Run a plan that saves it first.',
    });
    expect(failed.steps.map((step) => step.status)).toEqual(['skipped']);
    // The closing message says why.
    const closing = await ui.waitForMessage((message) => message.parts.some((part) => part.type === 'text' && part.text.includes('no saved session "old login.v2"')));
    expect(closing.role).toBe('assistant');
    ui.close();
  });

  it('does not keep the state of a run whose plan saves no session', async () => {
    const before = await database.query('SELECT count(*)::integer AS count FROM browser_sessions');
    const assign = await assigned({ locale: 'en-GB' });
    await report({ type: 'session-state', runId: assign.runId, attempt: assign.attempt, seq: 1, state: STATE });
    await report({ type: 'run-end', runId: assign.runId, attempt: assign.attempt, seq: 2, status: 'succeeded' });
    const after = await database.query('SELECT count(*)::integer AS count FROM browser_sessions');
    expect(after.rows[0].count).toBe(before.rows[0].count);
  });

  it('is not listed once expired, and a run that uses it fails', async () => {
    await saveSession('expiring');
    await database.query(`UPDATE browser_sessions SET expires_at = now() - interval '1 second' WHERE name = 'expiring'`);
    expect((await listed()).map((session) => session.name)).not.toContain('expiring');
    expect((await server.api('/api/sessions/expiring', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses bad session names and browser states', async () => {
    for (const name of ['a%00b', 'x'.repeat(101), '%3Cscript%3E', '%20%20', 'a%2Fb']) {
      const response = await server.api(`/api/sessions/${name}`, { method: 'DELETE' });
      expect(response.status, name).toBe(400);
      expect(response.body.error.code).toBe('invalid-request');
    }
    const badPlan = await server.api('/api/runs', { body: { steps: STEPS, browser: { session: { use: 'a/b' } } } });
    expect(badPlan.status).toBe(400);
    expect(JSON.stringify(badPlan.body.error.issues)).toContain('browser.session.use');
    const empty = await server.api('/api/runs', { body: { steps: STEPS, browser: { session: {} } } });
    expect(empty.status).toBe(400);

    runner.send({ type: 'session-state', runId: randomUUID(), attempt: 1, seq: 1, state: { cookies: [{ name: 'sid' }], origins: [] } });
    const error = await runner.next('error');
    expect(error.code).toBe('invalid-frame');
    expect(error.message).not.toContain('sid');
  });
});
