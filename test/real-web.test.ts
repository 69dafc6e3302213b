import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBytes, startFixtureServer, type FixtureServer } from '../agent-runner/test/fixture-server.ts';
import {
  AttachmentResponseSchema,
  RunDetailResponseSchema,
  SessionListResponseSchema,
  type BrowserOptions,
  type RunView,
  type Step,
} from '../protocol/index.ts';
import { DEMO_SESSION_COOKIE } from '../server/demo/demo-session.ts';
import { createSessionCipher } from '../server/sessions/session-cipher.ts';
import { startFixturePages, type FixturePages } from './harness/fixture-pages.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// The runner on the real web, driven the way a person drives it: commands posted to
// POST /api/runs (or plans with explicit steps where the grammar has no command), through the
// real server, run queue, a runner process with two slots and Chromium, against local sites.
// Saved sessions, downloads, uploads, dialogs, popups, and the runner's concurrency limit.

const isFinal = (run: RunView) => ['succeeded', 'failed', 'cancelled'].includes(run.status);
const SIGNED_IN = 'Signed in as alice@example.com';

describe('the runner on the real web', { timeout: 120_000 }, () => {
  const sessionKey = randomBytes(32);
  let site: FixtureServer;
  let pages: FixturePages;
  let server: TestServer;
  let runner: RunnerProcess;
  let ui: UiClient;
  let database: pg.Pool;

  beforeAll(async () => {
    [site, pages, server] = await Promise.all([startFixtureServer(), startFixturePages(), startTestServer({ sessionKey })]);
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'real-web', concurrency: 2 });
    ui = await connectUi(server.baseUrl);
    database = new pg.Pool({ connectionString: server.database.url });
  });
  afterAll(async () => {
    ui?.close();
    await runner?.stop();
    await database?.end();
    await server?.stop();
    await server?.database.drop();
    await Promise.all([site?.close(), pages?.close()]);
  });

  /** A new conversation this test's UI client watches. */
  async function watchedConversation(): Promise<string> {
    const created = await server.api('/api/conversations', { body: {} });
    expect(created.status).toBe(201);
    const conversationId = created.body.conversation.id as string;
    await ui.subscribe(conversationId);
    return conversationId;
  }

  /** Posts a run (a prompt in the command grammar, or steps) and returns its id. */
  async function queue(body: { prompt: string } | { steps: Step[]; browser?: BrowserOptions }, conversationId?: string): Promise<string> {
    const created = await server.api('/api/runs', { body: { ...body, conversationId: conversationId ?? (await watchedConversation()) } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.run.id as string;
  }

  /** Runs it and resolves with the run as the chat's socket shows it once it ended. */
  async function run(body: Parameters<typeof queue>[0], conversationId?: string): Promise<RunView> {
    return ui.waitForRun(await queue(body, conversationId), isFinal, 60_000);
  }

  async function detail(runId: string) {
    const { status, body } = await server.api(`/api/runs/${runId}`);
    expect(status).toBe(200);
    return RunDetailResponseSchema.parse(body);
  }

  async function sessionNames(): Promise<string[]> {
    const { status, body } = await server.api('/api/sessions');
    expect(status).toBe(200);
    return SessionListResponseSchema.parse(body).sessions.map((session) => session.name);
  }

  const outcome = (view: RunView) => ({ status: view.status, error: view.error });

  it('signs in once, saves the session encrypted, starts a later run signed in from it, and fails a run once it is deleted', async () => {
    const login = `${server.baseUrl}/demo/login`;
    const dashboard = `${server.baseUrl}/demo/dashboard`;
    // The demo's cookie is an HMAC of the email, so signing in by hand gives the value the browser got.
    const signIn = await fetch(login, {
      method: 'POST',
      body: new URLSearchParams({ email: 'alice@example.com', password: 'secret' }),
      redirect: 'manual',
    });
    const cookieValue = new RegExp(`${DEMO_SESSION_COOKIE}=([^;]+)`).exec(signIn.headers.get('set-cookie') ?? '')?.[1];
    expect(cookieValue).toMatch(/^[\w-]+\.[\w-]+$/);

    const first = await run({
      prompt: `go to ${login}, type "alice@example.com" into "Email", type "secret" into "Password", click "Sign in", check that the page shows "${SIGNED_IN}", then save the session as "demo"`,
    });
    expect(outcome(first)).toEqual({ status: 'succeeded', error: undefined });
    expect((await detail(first.id)).plan.browser).toEqual({ session: { saveAs: 'demo' } });

    // Listed by name and site, never with its cookie.
    const listed = await server.api('/api/sessions');
    expect(SessionListResponseSchema.parse(listed.body).sessions.find((session) => session.name === 'demo')).toMatchObject({
      name: 'demo',
      sites: ['127.0.0.1'],
      runId: first.id,
    });
    expect(JSON.stringify(listed.body)).not.toContain(cookieValue);

    // Stored sealed: the row holds the cookie in no readable encoding, and opens to the browser's real cookie.
    const { rows } = await database.query<{ owner_id: string; state: Buffer }>(`SELECT owner_id, state FROM browser_sessions WHERE name = 'demo'`);
    expect(rows).toHaveLength(1);
    for (const encoding of ['utf8', 'latin1', 'hex', 'base64', 'base64url'] as const) {
      expect(rows[0]!.state.toString(encoding)).not.toContain(cookieValue);
    }
    const state = createSessionCipher({ key: sessionKey }).open({ ownerId: rows[0]!.owner_id, name: 'demo', sealed: rows[0]!.state });
    expect(state?.cookies.find((cookie) => cookie.name === DEMO_SESSION_COOKIE)).toMatchObject({
      value: cookieValue,
      domain: '127.0.0.1',
      path: '/demo',
      httpOnly: true,
    });

    // Without it, the dashboard sends the browser to the sign-in page...
    const signedOut = await run({ steps: [{ type: 'goto', url: dashboard }] });
    expect(outcome(signedOut)).toEqual({ status: 'succeeded', error: undefined });
    expect(signedOut.steps[0]!.output?.url).toBe(login);

    // ...with it, a run that never types the password is signed in.
    const reuse = `use my "demo" session, go to ${dashboard}, check that the page shows "${SIGNED_IN}"`;
    const second = await run({ prompt: reuse });
    expect(outcome(second)).toEqual({ status: 'succeeded', error: undefined });
    const secondDetail = await detail(second.id);
    expect(secondDetail.plan.browser).toEqual({ session: { use: 'demo' } });
    expect(secondDetail.plan.steps.map((step) => step.type)).toEqual(['goto', 'assert']);
    expect(JSON.stringify(secondDetail.plan)).not.toContain('secret');
    expect(second.steps[0]!.output?.url).toBe(dashboard);

    // Deleted through the API: gone from the list and the table, and the same request fails, saying why.
    expect((await server.api('/api/sessions/demo', { method: 'DELETE' })).status).toBe(204);
    expect(await sessionNames()).not.toContain('demo');
    expect((await database.query(`SELECT 1 FROM browser_sessions WHERE name = 'demo'`)).rowCount).toBe(0);
    const third = await run({ prompt: reuse });
    expect(outcome(third)).toEqual({
      status: 'failed',
      error: { code: 'not-found', message: 'There is no saved session "demo" (it may have expired). Run a plan that saves it first.' },
    });
    expect(third.steps.map((step) => step.status)).toEqual(['skipped', 'skipped']);
  });

  it('keeps a file a link downloads with its step, and serves the same bytes back as an attachment', async () => {
    const view = await run({ prompt: `go to ${site.url('/downloads.html')}, then click "Export CSV"` });
    expect(outcome(view)).toEqual({ status: 'succeeded', error: undefined });
    expect(view.steps[0]!.downloads ?? []).toEqual([]);
    const [download, ...more] = view.steps[1]!.downloads ?? [];
    expect(more).toEqual([]);
    expect(download).toMatchObject({ fileName: 'report.csv', mimeType: 'text/csv', bytes: 3000 });
    // The run as the API gives it lists the same file.
    expect((await detail(view.id)).run.steps[1]!.downloads).toEqual([download]);

    const served = await fetch(`${server.baseUrl}/api/artifacts/${download!.artifactId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''report.csv");
    expect(served.headers.get('content-type')).toBe('text/csv');
    expect(Buffer.from(await served.arrayBuffer()).equals(downloadBytes(3000))).toBe(true);
  });

  it('uploads a file attached to the conversation, and the page gets exactly that file', async () => {
    const conversationId = await watchedConversation();
    const bytes = randomBytes(3000);
    const attached = await fetch(`${server.baseUrl}/api/conversations/${conversationId}/attachments?name=${encodeURIComponent('invoice 2024.pdf')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/pdf' },
      body: bytes,
    });
    expect(attached.status).toBe(201);
    const attachment = AttachmentResponseSchema.parse(await attached.json()).attachment;

    // The grammar leaves uploads to a language model: this is the plan one would propose.
    const view = await run(
      {
        steps: [
          { type: 'goto', url: pages.url('/upload') },
          { type: 'upload', target: 'Invoice', files: [attachment.id] },
          { type: 'wait', text: 'Received by the site' },
          { type: 'extract', target: '#chosen' },
        ],
      },
      conversationId,
    );
    expect(outcome(view)).toEqual({ status: 'succeeded', error: undefined });
    expect(view.steps[3]!.output?.text).toBe('invoice 2024.pdf, 3000 bytes, application/pdf');
    const received = await pages.upload('invoice 2024.pdf');
    expect(received.mimeType).toBe('application/pdf');
    expect(received.bytes.equals(bytes)).toBe(true);
  });

  it('accepts a confirm by default and dismisses it when told, recording each dialog on its step', async () => {
    const dialogs = site.url('/dialogs.html');
    const accepted = await run({ prompt: `go to ${dialogs}, click "Delete", then check that the page shows "Deleted"` });
    expect(outcome(accepted)).toEqual({ status: 'succeeded', error: undefined });
    expect(accepted.steps[1]!.output?.dialogs).toEqual([{ type: 'confirm', message: 'Delete the report?', answer: 'accepted' }]);
    expect(accepted.steps[2]!.output?.dialogs).toBeUndefined();

    const dismissed = await run({ prompt: `go to ${dialogs}, click "Delete" and dismiss the dialog, then check that the page shows "Kept"` });
    expect(outcome(dismissed)).toEqual({ status: 'succeeded', error: undefined });
    expect((await detail(dismissed.id)).plan.steps[1]).toEqual({ type: 'click', target: 'Delete', dialog: 'dismiss' });
    expect(dismissed.steps[1]!.output?.dialogs).toEqual([{ type: 'confirm', message: 'Delete the report?', answer: 'dismissed' }]);
  });

  it('follows a link that opens a new tab, and acts there in the next step', async () => {
    const view = await run({ prompt: `go to ${site.url('/tabs.html')}, click "Open the report", then read the text of "#summary"` });
    expect(outcome(view)).toEqual({ status: 'succeeded', error: undefined });
    expect(view.steps[0]!.output?.openedTab).toBeUndefined();
    expect(view.steps[1]!.output).toMatchObject({ openedTab: { tab: 2, url: site.url('/read.html') }, url: site.url('/read.html') });
    // #summary is only on the new tab's page.
    expect(view.steps[2]!.output).toMatchObject({ text: 'Revenue grew 12% this quarter.', url: site.url('/read.html') });
  });

  // test/run-concurrency.test.ts checks the runner's own logs while quick runs overlap by chance;
  // here every run waits on a page until released, so the limit is tested at every moment it
  // matters, as the site and the server see it.
  it('runs at most two runs at once on a runner with two slots, and finishes all five', async () => {
    const conversationId = await watchedConversation();
    const names = ['one', 'two', 'three', 'four', 'five'];
    const runIds = await Promise.all(
      names.map((name) =>
        queue(
          {
            steps: [
              { type: 'goto', url: pages.url(`/held/${name}`), timeoutMs: 60_000 },
              { type: 'assert', text: `Released /held/${name}` },
            ],
          },
          conversationId,
        ),
      ),
    );
    const runOfPath = new Map(names.map((name, index) => [`/held/${name}`, runIds[index]!]));
    const statuses = async () => {
      const counts: Record<string, number> = {};
      for (const runId of runIds) {
        const { status } = (await detail(runId)).run;
        counts[status] = (counts[status] ?? 0) + 1;
      }
      return counts;
    };

    for (let finished = 0; finished < names.length; finished += 1) {
      const waiting = Math.min(2, names.length - finished);
      // Two runs are on their page (one for the last); none has been let go since.
      await pages.waitForHeld(waiting);
      const queued = names.length - finished - waiting;
      expect(await statuses()).toEqual({ running: waiting, ...(queued > 0 && { queued }), ...(finished > 0 && { succeeded: finished }) });
      const released = runOfPath.get(pages.releaseOldest())!;
      const ended = await ui.waitForRun(released, isFinal);
      expect(outcome(ended)).toEqual({ status: 'succeeded', error: undefined });
    }
    expect(pages.mostHeldAtOnce()).toBe(2);
    // The runner's own account agrees: never more than two of these at once.
    await Promise.all(runIds.map((runId) => runner.waitForLog((line) => line.msg === 'run ended' && line.runId === runId)));
    let inFlight = 0;
    let most = 0;
    for (const line of runner.logs.filter((entry) => runIds.includes(entry.runId as string))) {
      if (line.msg === 'run started') most = Math.max(most, ++inFlight);
      if (line.msg === 'run ended') inFlight -= 1;
    }
    expect(most).toBe(2);
    expect(inFlight).toBe(0);
  });
});
