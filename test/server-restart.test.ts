import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, RunView, Step } from '../protocol/index.ts';
import { startHeldSite, type HeldSite } from './harness/held-site.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, runOf } from './harness/ui-client.ts';

// Restarting the server is free: a runner keeps its runs going while the server is away,
// keeps what they report, and hands it over when the server is back. No attempt is spent.

describe('restarts and network cuts during a run', () => {
  let server: TestServer;
  let runner: RunnerProcess;
  let site: HeldSite;

  afterEach(async () => {
    await site?.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
  });

  async function restart(whileDown: () => Promise<void> = async () => {}) {
    const { database, token } = server;
    const port = Number(new URL(server.baseUrl).port);
    await server.stop();
    await whileDown();
    server = await startTestServer({ database, token, port, reconnectGraceMs: 0 });
  }

  it('finishes the run on its first attempt through two restarts, with every step, screenshot and one closing message', async () => {
    site = await startHeldSite();
    // No grace at all for disconnected runners: what keeps the run is that a restarting server releases nothing.
    server = await startTestServer({ reconnectGraceMs: 0 });
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'steady' });
    const steps: Step[] = [
      { type: 'goto', url: `${site.url}/held/page` },
      { type: 'assert', text: 'Finally here' },
      { type: 'screenshot' },
    ];
    const created = await server.api('/api/runs', { body: { steps } });
    expect(created.status).toBe(201);
    const runId = created.body.run.id as string;
    const conversationId = created.body.conversationId as string;
    await site.requested('/held/page');

    // First restart: the run is mid-step, and stays so.
    await restart();
    await runner.waitForLog((line) => line.msg === 'connected to the server' && line.resumed === 1);
    // Second restart: the run finishes while the server is down; its events wait in the runner.
    await restart(async () => {
      site.release();
      await runner.waitForLog((line) => line.msg === 'run ended' && line.runId === runId);
    });

    const watcher = await connectUi(server.baseUrl);
    try {
      await watcher.subscribe(conversationId);
      const run = await watcher.waitForRun(runId, (candidate) => candidate.status === 'succeeded');
      expect(run).toMatchObject({ attempt: 1, earlierAttempts: [] });
      expect(run.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(run.steps.every((step) => step.screenshot && step.screenshot.bytes > 1000)).toBe(true);
      const closing = await watcher.waitFor((message) => message.type === 'message-upsert' && message.message.parts.some((part) => part.type === 'text' && part.text.startsWith('Done')));
      expect(closing.type).toBe('message-upsert');
    } finally {
      watcher.close();
    }
    const { body } = await server.api(`/api/conversations/${conversationId}`);
    const closings = (body.messages as ChatMessage[]).filter((message) => message.parts.some((part) => part.type === 'text' && part.text.startsWith('Done')));
    expect(closings).toHaveLength(1);
    expect(((await server.api(`/api/runs/${runId}`)).body.run as RunView)).toEqual(
      (body.messages as ChatMessage[]).map(runOf).find((candidate) => candidate?.id === runId),
    );
  }, 90_000);

  it('finishes the run on its first attempt when the runner’s connection is cut', async () => {
    site = await startHeldSite();
    server = await startTestServer({ reconnectGraceMs: 10_000 });
    const proxy = await startCuttableProxy(Number(new URL(server.baseUrl).port));
    try {
      runner = await startRunnerProcess({ serverUrl: `ws://127.0.0.1:${proxy.port}/ws/runner`, token: server.token, name: 'cut-off' });
      const created = await server.api('/api/runs', { body: { steps: [{ type: 'goto', url: `${site.url}/held/page` }, { type: 'screenshot' }] } });
      const runId = created.body.run.id as string;
      await site.requested('/held/page');
      proxy.cut();
      await runner.waitForLog((line) => line.msg === 'lost the server; runs continue while reconnecting');
      site.release();
      await runner.waitForLog((line) => line.msg === 'connected to the server' && line.resumed === 1);
      const watcher = await connectUi(server.baseUrl);
      try {
        await watcher.subscribe(created.body.conversationId);
        const run = await watcher.waitForRun(runId, (candidate) => candidate.status === 'succeeded');
        expect(run).toMatchObject({ attempt: 1, earlierAttempts: [] });
        expect(run.steps.every((step) => step.status === 'succeeded' && step.screenshot)).toBe(true);
      } finally {
        watcher.close();
      }
    } finally {
      proxy.close();
    }
  }, 60_000);
});

/** A TCP proxy to the server whose open connections the test can cut, as a network would. */
async function startCuttableProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  const proxy = createNetServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      proxy.close();
    },
  };
}
