import { describe, expect, test } from 'vitest';
import { ModelCallSchema, type ModelAnswer, type ModelRequest } from '../../protocol/index.ts';
import { createModelCalls, type ModelCalls } from '../connection/model-calls.ts';
import { connectToServer, type ServerConnection } from '../connection/server-connection.ts';
import { createLogger } from '../logger.ts';
import { executeStep } from '../steps/execute-step.ts';
import { StepError } from '../steps/step-error.ts';
import { aiTest } from './ai-test.ts';
import { tabsOf } from './browser-test.ts';
import { startFakeRunnerServer, type FakeRunnerServer } from './fake-runner-server.ts';

const ref = { runId: '5b0a2b56-3f7c-4a43-9d58-0c0b2f1d7e11', attempt: 2, index: 4 };
const request: ModelRequest = { kind: 'extract-rule', instruction: 'the price', outline: 'body\n  p.price "$1"', url: 'http://shop.test/' };
const answer: ModelAnswer = { kind: 'extract-rule', rule: { kind: 'value', selector: '.price' }, inputTokens: 20, outputTokens: 5 };

/** The runner's connection and model calls, wired as runner.ts wires them, to a fake server. */
async function connectedModelCalls(onCleanup: (cleanup: () => Promise<void>) => void): Promise<{ server: FakeRunnerServer; modelCalls: ModelCalls }> {
  const server = await startFakeRunnerServer();
  let connection: ServerConnection | undefined;
  let welcomed!: () => void;
  const welcome = new Promise<void>((resolve) => (welcomed = resolve));
  const modelCalls = createModelCalls({ send: (message) => connection?.send(message) ?? false });
  connection = connectToServer({
    url: server.url,
    token: 'x'.repeat(16),
    logger: createLogger({ level: 'silent', name: 'test' }),
    hello: () => ({ type: 'hello', protocolVersion: 3, runner: { id: 'f1a5c1de-8d0e-4c4e-8a3f-6a1b7c9d0e2f', name: 'test', capacity: 1, browser: 'none' }, runs: [] }),
    onWelcome: () => {
      welcomed();
      modelCalls.resendAll();
    },
    onInstruction: () => {},
    onModelReply: (reply) => modelCalls.settle(reply),
    onDisconnect: () => {},
    onFatal: () => {},
  });
  onCleanup(async () => {
    await connection?.close();
    await server.close();
  });
  await welcome;
  return { server, modelCalls };
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!StepError.isInstance(error)) throw new Error(`expected a StepError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('model calls over the runner socket', () => {
  test('a call is sent with a fresh request id and resolves with the server\'s answer; an error keeps the server\'s code', async ({ onTestFinished }) => {
    const { server, modelCalls } = await connectedModelCalls(onTestFinished);
    const answered = modelCalls.callModel(ref, request);
    const call = ModelCallSchema.parse(await server.next('model-call'));
    expect(call).toEqual({ type: 'model-call', requestId: expect.any(String), ...ref, request });
    server.send({ type: 'model-result', requestId: call.requestId, answer });
    expect(await answered).toEqual(answer);

    const refused = modelCalls.callModel(ref, request);
    const second = await server.next('model-call');
    expect(second.requestId).not.toBe(call.requestId);
    server.send({ type: 'model-error', requestId: second.requestId, code: 'budget-exceeded', message: 'This run has used its 200000 tokens' });
    expect(await rejection(refused)).toEqual({ code: 'budget-exceeded', message: 'This run has used its 200000 tokens' });
  });

  test('aborting a call rejects it as cancelled and tells the server to stop', async ({ onTestFinished }) => {
    const { server, modelCalls } = await connectedModelCalls(onTestFinished);
    const controller = new AbortController();
    const pending = modelCalls.callModel(ref, request, controller.signal);
    const call = await server.next('model-call');
    controller.abort();
    expect(await rejection(pending)).toEqual({ code: 'cancelled', message: 'The model call was cancelled' });
    expect(await server.next('model-cancel')).toEqual({ type: 'model-cancel', requestId: call.requestId });
    // A late answer to the cancelled call is ignored.
    server.send({ type: 'model-result', requestId: call.requestId, answer });
  });

  test('calls in flight when the connection drops are asked again under the same ids once the runner is back, and then answered', async ({ onTestFinished }) => {
    const { server, modelCalls } = await connectedModelCalls(onTestFinished);
    const first = modelCalls.callModel(ref, request);
    const second = modelCalls.callModel({ ...ref, index: 5 }, request);
    const sent = [await server.next('model-call'), await server.next('model-call')];
    server.dropConnection();
    // The runner reconnects on its own; a new hello, then both calls again.
    await server.next('hello');
    await server.next('hello');
    const resent = [await server.next('model-call'), await server.next('model-call')];
    expect(resent.map((call) => call.requestId).sort()).toEqual(sent.map((call) => call.requestId).sort());
    for (const call of resent) server.send({ type: 'model-result', requestId: call.requestId, answer });
    expect(await first).toEqual(answer);
    expect(await second).toEqual(answer);
  });
});

aiTest('an AI step aborted while its model call is out fails as cancelled and cancels the call', async ({ page, server: shop, stagehand, onTestFinished }) => {
  const { server, modelCalls } = await connectedModelCalls(onTestFinished);
  await page.goto(shop.url('/shop.html'));
  const controller = new AbortController();
  const step = executeStep({
    tabs: await tabsOf(page),
    step: { type: 'act', instruction: 'add the cheapest laptop to the cart' },
    timeoutMs: 60_000,
    signal: controller.signal,
    ai: { services: { callModel: modelCalls.callModel, stagehand }, ref },
  });
  const call = await server.next('model-call');
  expect(call).toMatchObject({ ...ref, request: { kind: 'stagehand' } });
  controller.abort();
  expect(await rejection(step)).toEqual({ code: 'cancelled', message: 'The run was cancelled' });
  expect(await server.next('model-cancel')).toEqual({ type: 'model-cancel', requestId: call.requestId });
  expect(await page.locator('#cart-items').textContent()).toBe('empty');
});
