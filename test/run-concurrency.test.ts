import { afterEach, describe, expect, it } from 'vitest';
import type { RunView } from '../protocol/index.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// More work than slots, and work that arrives before any runner: every run must still
// succeed, because nothing about the task can fail it.

const isFinal = (run: RunView) => ['succeeded', 'failed', 'cancelled'].includes(run.status);

describe('more runs than runner slots', () => {
  let server: TestServer;
  let runner: RunnerProcess | undefined;
  let watcher: UiClient | undefined;

  afterEach(async () => {
    watcher?.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
  });

  function loginPrompt() {
    return (
      `go to ${server.baseUrl}/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", ` +
      `click "Sign in", then check that the page shows "Signed in as alice@example.com"`
    );
  }

  async function createRuns(count: number, conversationId: string): Promise<string[]> {
    const created = await Promise.all(
      Array.from({ length: count }, () => server.api('/api/runs', { body: { prompt: loginPrompt(), conversationId } })),
    );
    for (const response of created) expect(response.status).toBe(201);
    return created.map((response) => response.body.run.id as string);
  }

  async function waitForAll(runIds: string[]): Promise<RunView[]> {
    return Promise.all(runIds.map((runId) => watcher!.waitForRun(runId, isFinal, 120_000)));
  }

  it('runs every run queued before the runner connected, each in its own page', async () => {
    server = await startTestServer();
    const conversation = (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
    watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversation);
    const runIds = await createRuns(6, conversation);

    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'late', concurrency: 4 });
    const runs = await waitForAll(runIds);
    expect(runs.map((run) => [run.status, run.error?.message])).toEqual(runIds.map(() => ['succeeded', undefined]));
  });

  it('runs 20 runs posted at once on a runner with 4 slots', async () => {
    server = await startTestServer();
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'busy', concurrency: 4 });
    const conversation = (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
    watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversation);
    const runIds = await createRuns(20, conversation);

    const runs = await waitForAll(runIds);
    expect(runs.map((run) => [run.status, run.error?.message])).toEqual(runIds.map(() => ['succeeded', undefined]));
    // Never more runs at once than slots.
    const started = runner.logs.filter((line) => line.msg === 'run started' || line.msg === 'run ended');
    let inFlight = 0;
    let most = 0;
    for (const line of started) {
      inFlight += line.msg === 'run started' ? 1 : -1;
      most = Math.max(most, inFlight);
    }
    expect(most).toBe(4);
  }, 180_000);
});
