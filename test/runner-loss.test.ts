import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunView, Step } from '../protocol/index.ts';
import { startHeldSite, type HeldSite } from './harness/held-site.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// A runner that dies or freezes mid-run must not leave its run "running": the run is
// queued again (and finished elsewhere) or fails with a reason, within the lease time. It is
// never repeated past a step that may have changed something on the site.

const LEASE_MS = 3_000;

describe('losing a runner mid-run', () => {
  let server: TestServer;
  let watcher: UiClient;
  const runners: RunnerProcess[] = [];
  // Pages under /held/ do not answer until the test releases them: the first attempt's goto
  // hangs there, so the runner is provably mid-run when it is killed, however slow the machine.
  let site: HeldSite;

  beforeEach(async () => {
    site = await startHeldSite();
  });

  afterEach(async () => {
    await site.close();
    watcher?.close();
    for (const runner of runners.splice(0)) {
      runner.child.kill('SIGCONT');
      await runner.stop();
    }
    await server?.stop();
    await server?.database.drop();
  });

  async function startRun(maxAttempts: number, steps: Step[] = [{ type: 'goto', url: `${site.url}/held/page` }, { type: 'assert', text: 'Finally here' }, { type: 'screenshot' }]) {
    server = await startTestServer({ leaseMs: LEASE_MS, maxAttempts });
    runners.push(await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'doomed' }));
    const conversation = await server.api('/api/conversations', { body: {} });
    const conversationId = conversation.body.conversation.id as string;
    watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
    const created = await server.api('/api/runs', { body: { steps, conversationId } });
    expect(created.status).toBe(201);
    return created.body.run.id as string;
  }

  async function startSecondRunner() {
    runners.push(await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'rescuer' }));
  }

  it('queues the run again when its runner is killed, and another runner completes it, showing both attempts', async () => {
    const runId = await startRun(2);
    await site.requested('/held/page');
    await startSecondRunner();
    runners[0]!.child.kill('SIGKILL');
    site.release();

    const retried = await watcher.waitForRun(runId, (run) => run.attempt === 2);
    expect(['queued', 'running', 'succeeded']).toContain(retried.status);

    const done = await watcher.waitForRun(runId, (run) => run.status === 'succeeded');
    expect(done.attempt).toBe(2);
    expect(done.steps.every((step) => step.status === 'succeeded' && step.screenshot)).toBe(true);
    expect(done.earlierAttempts).toHaveLength(1);
    expect(done.earlierAttempts[0]).toMatchObject({ attempt: 1, status: 'lost', error: { code: 'runner-lost' } });
    expect(done.earlierAttempts[0]!.steps.map((step) => step.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(runners[1]!.logs.some((line) => line.msg === 'run ended' && line.runId === runId)).toBe(true);
  });

  it('fails the run with the reason when it has no attempts left', async () => {
    const runId = await startRun(1);
    await site.requested('/held/page');
    runners[0]!.child.kill('SIGKILL');

    const failed: RunView = await watcher.waitForRun(runId, (run) => run.status === 'failed');
    expect(failed.error?.code).toBe('runner-lost');
    expect(failed.error?.message).toMatch(/disconnected.*attempt 1 of 1/);
    expect(failed.steps.map((step) => step.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(failed.steps[0]?.error?.code).toBe('runner-lost');
    const summary = await watcher.waitFor(
      (message) => message.type === 'message-upsert' && message.message.parts.some((part) => part.type === 'text' && part.text.startsWith('Failed at step 1')),
    );
    expect(summary.type).toBe('message-upsert');
  });

  it('does not run a click again that may have placed an order, and says why', async () => {
    const runId = await startRun(2, [{ type: 'goto', url: site.url }, { type: 'click', target: 'Place order' }, { type: 'screenshot' }]);
    // The click submitted the form and waits for the answer: the order may be placed.
    await site.requested('/held/order');
    await startSecondRunner();
    runners[0]!.child.kill('SIGKILL');

    const failed = await watcher.waitForRun(runId, (run) => run.status === 'failed');
    expect(failed.attempt).toBe(1);
    expect(failed.error?.code).toBe('unsafe-to-retry');
    expect(failed.error?.message).toContain('not retried automatically because step 2 (Click "Place order") had started');
    const summary = await watcher.waitFor(
      (message) => message.type === 'message-upsert' && message.message.parts.some((part) => part.type === 'text' && part.text.includes('not retried automatically')),
    );
    expect(summary.type).toBe('message-upsert');
    expect(runners[1]!.logs.some((line) => line.msg === 'run started')).toBe(false);
  });

  it('takes the run back from a runner that freezes without disconnecting', async () => {
    const runId = await startRun(2);
    await site.requested('/held/page');
    await startSecondRunner();
    runners[0]!.child.kill('SIGSTOP');
    site.release();

    await watcher.waitForRun(runId, (run) => run.attempt === 2);
    const done = await watcher.waitForRun(runId, (run) => run.status === 'succeeded');
    expect(done.attempt).toBe(2);
    // The frozen runner wakes up to a closed connection; the server tells it the run is no longer its own.
    runners[0]!.child.kill('SIGCONT');
    await runners[0]!.waitForLog((line) => line.msg === 'run abandoned' && line.runId === runId);
    const now = await server.api(`/api/runs/${runId}`);
    expect(now.body.run).toEqual(done);
  });
});
