import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunView, Step } from '../protocol/index.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// A runner that dies or freezes mid-run must not leave its run "running": the run is
// queued again (and finished elsewhere) or fails with a reason, within the lease time.

const LEASE_MS = 3_000;

describe('losing a runner mid-run', () => {
  let server: TestServer;
  let watcher: UiClient;
  const runners: RunnerProcess[] = [];
  // A page that does not answer until the test releases it: the first attempt's goto hangs
  // there, so the runner is provably mid-run when it is killed, however slow the machine.
  let site: Server;
  let siteUrl: string;
  let holding: boolean;
  const held: ServerResponse[] = [];
  const answer = (response: ServerResponse) => response.end('<!doctype html><title>Page</title><h1>Finally here</h1>');
  const release = () => {
    holding = false;
    for (const response of held.splice(0)) answer(response);
  };

  beforeEach(async () => {
    holding = true;
    site = createServer((_request, response) => (holding ? held.push(response) : answer(response)));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    release();
    site.closeAllConnections();
    site.close();
    watcher?.close();
    for (const runner of runners.splice(0)) {
      runner.child.kill('SIGCONT');
      await runner.stop();
    }
    await server?.stop();
    await server?.database.drop();
  });

  async function startRun(maxAttempts: number) {
    server = await startTestServer({ leaseMs: LEASE_MS, maxAttempts });
    runners.push(await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'doomed' }));
    const conversation = await server.api('/api/conversations', { body: {} });
    const conversationId = conversation.body.conversation.id as string;
    watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
    const steps: Step[] = [{ type: 'goto', url: siteUrl }, { type: 'assert', text: 'Finally here' }, { type: 'screenshot' }];
    const created = await server.api('/api/runs', { body: { steps, conversationId } });
    expect(created.status).toBe(201);
    const runId = created.body.run.id as string;
    // Mid-run: the runner is waiting for the held page.
    await watcher.waitForRun(runId, (run) => run.steps[0]?.status === 'running');
    return runId;
  }

  async function startSecondRunner() {
    runners.push(await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'rescuer' }));
  }

  it('queues the run again when its runner is killed, and another runner completes it', async () => {
    const runId = await startRun(2);
    await startSecondRunner();
    const killedAt = Date.now();
    runners[0]!.child.kill('SIGKILL');
    release();

    const retried = await watcher.waitForRun(runId, (run) => run.attempt === 2);
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS);
    expect(['queued', 'running', 'succeeded']).toContain(retried.status);

    const done = await watcher.waitForRun(runId, (run) => run.status === 'succeeded');
    expect(done.attempt).toBe(2);
    expect(done.steps.every((step) => step.status === 'succeeded' && step.screenshot)).toBe(true);
    expect(runners[1]!.logs.some((line) => line.msg === 'run ended' && line.runId === runId)).toBe(true);
  });

  it('fails the run with the reason when it has no attempts left', async () => {
    const runId = await startRun(1);
    const killedAt = Date.now();
    runners[0]!.child.kill('SIGKILL');

    const failed: RunView = await watcher.waitForRun(runId, (run) => run.status === 'failed');
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS);
    expect(failed.error?.code).toBe('runner-lost');
    expect(failed.error?.message).toMatch(/disconnected.*attempt 1 of 1/);
    expect(failed.steps.map((step) => step.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(failed.steps[0]?.error?.code).toBe('runner-lost');
    const summary = await watcher.waitFor(
      (message) => message.type === 'message-upsert' && message.message.parts.some((part) => part.type === 'text' && part.text.startsWith('Failed at step 1')),
    );
    expect(summary.type).toBe('message-upsert');
  });

  it('takes the run back from a runner that freezes without disconnecting', async () => {
    const runId = await startRun(2);
    await startSecondRunner();
    const frozenAt = Date.now();
    runners[0]!.child.kill('SIGSTOP');
    release();

    await watcher.waitForRun(runId, (run) => run.attempt === 2);
    expect(Date.now() - frozenAt).toBeLessThan(LEASE_MS);
    const done = await watcher.waitForRun(runId, (run) => run.status === 'succeeded');
    expect(done.attempt).toBe(2);
    // The frozen runner wakes up to a closed connection; nothing it does changes the run.
    runners[0]!.child.kill('SIGCONT');
    await runners[0]!.waitForLog((line) => line.msg === 'disconnected from the server; reconnecting');
    const now = await server.api(`/api/runs/${runId}`);
    expect(now.body.run).toEqual(done);
  });
});
