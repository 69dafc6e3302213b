import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCall } from '../protocol/index.ts';
import { browserCallKind, jsonAnswer } from './harness/browser-model-script.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './harness/fake-openai-server.ts';
import { testLlmConfig } from './harness/llm-config.ts';
import { connectRunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// The server's side of the model bridge, spoken to by a hand-driven runner socket: what a real
// runner does around a model call, with the timing in the test's hands.

/** Queues a run of one AI extract step; the runner then gets it. */
async function queueExtract(server: TestServer) {
  const created = await server.api('/api/runs', { body: { steps: [{ type: 'extract', instruction: 'the heading' }] } });
  expect(created.status).toBe(201);
}

function modelCall(assigned: { runId: string; attempt: number }): ModelCall {
  return {
    type: 'model-call',
    requestId: randomUUID(),
    runId: assigned.runId,
    attempt: assigned.attempt,
    index: 0,
    request: { kind: 'extract-rule', instruction: 'the heading', outline: 'body\n  h1 "Hello"', url: 'http://127.0.0.1:9/' },
  };
}

describe('the model bridge', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    server = await startTestServer({ llm: testLlmConfig(fake.baseUrl), reconnectGraceMs: 30_000 });
  });
  afterAll(async () => {
    await server?.stop();
    await server?.database.drop();
    await fake?.close();
  });

  it('gives a runner that reconnects during a call the answer under way, and asks the model once', async () => {
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    fake.respond((request) =>
      browserCallKind(request) === 'extract-rule' ? { ...jsonAnswer({ rule: { kind: 'value', selector: 'h1' } }), holdUntil: answered } : undefined,
    );
    const runnerId = randomUUID();
    const first = await connectRunnerSocket(server, runnerId);
    await queueExtract(server);
    const assigned = await first.next('run-assign');
    const call = modelCall(assigned);
    const from = fake.received.length;
    first.send(call);
    const request = await fake.waitForRequest(from + 1);

    // The connection drops while the model thinks; the runner comes back holding the run and asks again.
    first.cut();
    const second = await connectRunnerSocket(server, runnerId, { runs: [{ runId: assigned.runId, attempt: assigned.attempt }] });
    second.send(call);
    release();

    expect(await second.next('model-result')).toEqual({
      type: 'model-result',
      requestId: call.requestId,
      answer: { kind: 'extract-rule', rule: { kind: 'value', selector: 'h1' }, inputTokens: 900, outputTokens: 40 },
    });
    expect(await request.outcome).toBe('answered');
    expect(fake.received.slice(from).filter((received) => browserCallKind(received) === 'extract-rule')).toHaveLength(1);
    // Metered once, on the run's step.
    const { body } = await server.api(`/api/runs/${assigned.runId}`);
    expect(body.run.usage).toMatchObject({ calls: 1, inputTokens: 900, outputTokens: 40 });
  });

  it('answers a call about a run the runner was not given with cancelled, and asks no model', async () => {
    const runner = await connectRunnerSocket(server, randomUUID());
    const from = fake.received.length;
    const call = modelCall({ runId: randomUUID(), attempt: 1 });
    runner.send(call);
    expect(await runner.next('model-error')).toMatchObject({ requestId: call.requestId, code: 'cancelled' });
    expect(fake.received.length).toBe(from);
  });
});

describe('the model bridge without a model', () => {
  it('answers model-unavailable, saying how to configure one', async () => {
    const server = await startTestServer();
    try {
      const runner = await connectRunnerSocket(server, randomUUID());
      await queueExtract(server);
      const call = modelCall(await runner.next('run-assign'));
      runner.send(call);
      const error = await runner.next('model-error');
      expect(error).toMatchObject({ requestId: call.requestId, code: 'model-unavailable' });
      expect(error.message).toMatch(/OPENAI_API_KEY or LLM_BASE_URL/);
    } finally {
      await server.stop();
      await server.database.drop();
    }
  });
});
