import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunViewSchema, type RunView } from '../protocol/index.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, runOf, type UiClient } from './harness/ui-client.ts';

// server + runner process + PostgreSQL + Chromium, through the public API and sockets.

const isFinal = (run: RunView) => ['succeeded', 'failed', 'cancelled'].includes(run.status);

describe('the login task, end to end', () => {
  let server: TestServer;
  let runner: RunnerProcess;
  const watchers: UiClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'e2e-runner' });
  });
  afterAll(async () => {
    for (const watcher of watchers) watcher.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
  });

  it('runs every step in Chromium, streams progress and screenshots, and survives a server restart', async () => {
    const prompt =
      `go to ${server.baseUrl}/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", ` +
      `click "Sign in", then take a screenshot`;
    // Two watchers subscribe before the run exists, so they see every change as it happens.
    const conversation = await server.api('/api/conversations', { body: {} });
    const conversationId = conversation.body.conversation.id as string;
    watchers.push(await connectUi(server.baseUrl), await connectUi(server.baseUrl));
    await Promise.all(watchers.map((watcher) => watcher.subscribe(conversationId)));

    const created = await server.api('/api/runs', { body: { prompt, conversationId } });
    expect(created.status).toBe(201);
    const queued = RunViewSchema.parse(created.body.run);
    expect(queued.steps).toHaveLength(5);
    expect(created.body.conversationId).toBe(conversationId);

    const [seenByFirst, seenBySecond] = await Promise.all(watchers.map((watcher) => watcher.waitForRun(queued.id, isFinal)));
    expect(seenBySecond).toEqual(seenByFirst);

    const run = seenByFirst!;
    expect(run.status).toBe('succeeded');
    expect(run.attempt).toBe(1);
    expect(run.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(run.steps[3]?.output?.url).toBe(`${server.baseUrl}/demo/dashboard`);

    for (const step of run.steps) {
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
      const response = await fetch(`${server.baseUrl}/api/artifacts/${step.screenshot!.artifactId}`);
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.byteLength).toBe(step.screenshot!.bytes);
      expect(bytes.byteLength).toBeGreaterThan(2_000);
      expect(bytes.byteLength).toBeLessThan(1_000_000);
      const image = jpeg.decode(bytes, { useTArray: true });
      expect([image.width, image.height]).toEqual([1280, 800]);
    }

    // Live updates arrived step by step, not only at the end.
    const liveStatuses = watchers[0]!.received.flatMap((message) =>
      message.type === 'message-upsert' ? [runOf(message.message)?.steps.map((step) => step.status).join(',')] : [],
    );
    expect(liveStatuses).toContain('succeeded,running,pending,pending,pending');

    const summary = await watchers[0]!.waitFor(
      (message) => message.type === 'message-upsert' && message.message.parts.some((part) => part.type === 'text' && part.text.startsWith('Done')),
    );
    expect(summary.type === 'message-upsert' && summary.message.parts[0]).toMatchObject({ text: expect.stringContaining('all 5 steps succeeded') });

    // A restarted server reads the same conversation, run and screenshots back from the database.
    const before = await server.api(`/api/conversations/${conversationId}`);
    await server.stop();
    server = await startTestServer({ database: server.database });
    const after = await server.api(`/api/conversations/${conversationId}`);
    expect(after.status).toBe(200);
    expect(after.body.messages).toEqual(before.body.messages);
    expect(after.body.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant', 'assistant']);
    const reread = await server.api(`/api/runs/${queued.id}`);
    expect(reread.body.run).toEqual(run);
    const screenshot = await fetch(`${server.baseUrl}/api/artifacts/${run.steps[4]!.screenshot!.artifactId}`);
    expect(screenshot.status).toBe(200);
  });
});

describe('cancelling a run', () => {
  let server: TestServer;
  let runner: RunnerProcess;

  beforeAll(async () => {
    server = await startTestServer();
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'cancel-runner' });
  });
  afterAll(async () => {
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
  });

  it('stops the runner mid-step, and the runner takes the next run', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    const conversationId = body.conversation.id as string;
    const watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
    const long = await server.api('/api/runs', {
      body: { conversationId, steps: [{ type: 'goto', url: `${server.baseUrl}/demo/login` }, { type: 'wait', ms: 60_000 }] },
    });
    await watcher.waitForRun(long.body.run.id, (run) => run.steps[1]?.status === 'running');

    const cancelled = await server.api(`/api/runs/${long.body.run.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.run.status).toBe('cancelled');
    expect(cancelled.body.run.steps.map((step: { status: string }) => step.status)).toEqual(['succeeded', 'skipped']);
    await runner.waitForLog((line) => line.msg === 'run ended' && line.runId === long.body.run.id && line.status === 'cancelled');

    // The runner (capacity 1) is free again: the next run goes through.
    const next = await server.api('/api/runs', { body: { conversationId, steps: [{ type: 'goto', url: `${server.baseUrl}/demo/login` }] } });
    expect((await watcher.waitForRun(next.body.run.id, isFinal)).status).toBe('succeeded');
    await watcher.waitFor(
      (message) => message.type === 'message-upsert' && message.message.parts.some((part) => part.type === 'text' && part.text.startsWith('Cancelled after 1 of 2 steps')),
    );
    watcher.close();
  });
});
