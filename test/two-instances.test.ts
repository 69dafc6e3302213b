import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../server/store/testing/test-database.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// Two server instances on one database behave as one (ARCHITECTURE D11): a tab watching on one
// sees what a runner reports to the other, a run cancelled on one stops on the runner of the
// other, and a run queued on one is handed to a runner connected to the other. Everything
// travels through the PostgreSQL event port; nothing is shared in memory.

describe('two server instances on one database', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let runner: RunnerSocket;
  let ui: UiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ database });
    b = await startTestServer({ database });
    runner = await connectRunnerSocket(a, randomUUID()); // connected to A only
    ui = await connectUi(b.baseUrl); // watching on B only
  });
  afterAll(async () => {
    ui?.close();
    await runner?.close();
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  const STEPS = [{ type: 'goto', url: 'http://127.0.0.1:9/a' }, { type: 'screenshot' }];

  async function conversationOn(server: TestServer): Promise<string> {
    const { body } = await server.api('/api/conversations', { body: { title: 'two instances' } });
    await ui.subscribe(body.conversation.id);
    return body.conversation.id as string;
  }

  it('hands a run queued on one instance to a runner on the other, and shows its progress in a tab on the first', async () => {
    const conversationId = await conversationOn(b);
    const created = await b.api('/api/runs', { body: { steps: STEPS, conversationId } });
    expect(created.status).toBe(201);
    const assign = await runner.next('run-assign', (message) => message.runId === created.body.run.id);

    const ref = { runId: assign.runId, attempt: assign.attempt };
    runner.send({ type: 'step-start', ...ref, seq: 1, index: 0 });
    expect((await ui.waitForRun(ref.runId, (run) => run.steps[0]?.status === 'running')).status).toBe('running');
    runner.send({ type: 'step-end', ...ref, seq: 2, index: 0, status: 'succeeded', durationMs: 5, output: { url: 'http://127.0.0.1:9/a' } });
    runner.send({ type: 'step-start', ...ref, seq: 3, index: 1 });
    runner.send({ type: 'step-end', ...ref, seq: 4, index: 1, status: 'succeeded', durationMs: 5 });
    runner.send({ type: 'run-end', ...ref, seq: 5, status: 'succeeded' });
    const ended = await ui.waitForRun(ref.runId, (run) => run.status === 'succeeded');
    expect(ended.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded']);
    // The closing message, written by A when the run ended, reaches the tab on B too.
    const closing = await ui.waitForMessage((message) => message.parts.some((part) => part.type === 'text' && part.text.startsWith('Done: all 2 steps succeeded')));
    expect(closing.role).toBe('assistant');
  });

  it('stops a run cancelled on one instance on the runner connected to the other', async () => {
    const conversationId = await conversationOn(b);
    const created = await a.api('/api/runs', { body: { steps: STEPS, conversationId } });
    const assign = await runner.next('run-assign', (message) => message.runId === created.body.run.id);
    runner.send({ type: 'step-start', runId: assign.runId, attempt: assign.attempt, seq: 1, index: 0 });
    await ui.waitForRun(assign.runId, (run) => run.steps[0]?.status === 'running');

    const cancelled = await b.api(`/api/runs/${assign.runId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.run.status).toBe('cancelled');
    const stop = await runner.next('run-cancel', (message) => message.runId === assign.runId);
    expect(stop.attempt).toBe(assign.attempt);
  });

  it('renames a conversation on one instance and tells the tab on the other', async () => {
    const conversationId = await conversationOn(b);
    const renamed = await a.api(`/api/conversations/${conversationId}`, { method: 'PATCH', body: { title: 'Renamed on A' } });
    expect(renamed.status).toBe(200);
    const updated = await ui.waitFor((message) => message.type === 'conversation-updated' && message.conversation.title === 'Renamed on A');
    expect(updated.type).toBe('conversation-updated');
  });
});
