import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { PROTOCOL_VERSION, type RunAssign, type Step, type StepEnd } from '../../protocol/index.ts';
import { createLogger } from '../logger.ts';
import { startRunner } from '../runner.ts';
import { openTestBrowser } from '../testing.ts';
import { startFakeRunnerServer } from './fake-runner-server.ts';
import { startFixtureServer } from './fixture-server.ts';
import { elementIdInItem, jsonAnswer } from './scripted-model.ts';

test('a runner answers AI steps through the server, replays them compiled, and keeps no model key', async ({ onTestFinished }) => {
  process.env['OPENAI_API_KEY'] = 'sk-test-openai';
  process.env['ANTHROPIC_API_KEY'] = 'sk-test-anthropic';
  process.env['SKIPPER_TEST_KEEP'] = 'kept';
  onTestFinished(() => void delete process.env['SKIPPER_TEST_KEEP']);
  const shop = await startFixtureServer();
  onTestFinished(() => shop.close());
  const server = await startFakeRunnerServer();
  onTestFinished(() => server.close());
  const runner = await startRunner({
    serverUrl: server.url,
    token: 'x'.repeat(16),
    name: 'ai-runner',
    concurrency: 1,
    openBrowser: openTestBrowser,
    logger: createLogger({ level: 'silent', name: 'runner' }),
    onFatal: () => {},
  });
  onTestFinished(() => runner.stop());

  // Runners hold no model key: Stagehand could otherwise find one and call a provider itself.
  expect(Object.keys(process.env).filter((name) => name.endsWith('_API_KEY'))).toEqual([]);
  expect(process.env['SKIPPER_TEST_KEEP']).toBe('kept');
  expect((await server.next('hello')).protocolVersion).toBe(PROTOCOL_VERSION);

  const steps: Step[] = [
    { type: 'goto', url: shop.url('/shop.html') },
    { type: 'act', instruction: 'add the cheapest laptop to the cart' },
    { type: 'assert', text: 'Cart: Laptop Beta 13' },
  ];
  const assign = (compiled: RunAssign['compiled']): RunAssign => ({
    type: 'run-assign',
    runId: randomUUID(),
    attempt: 1,
    steps,
    settings: { stepTimeoutMs: 10_000, aiStepTimeoutMs: 30_000, screenshotQuality: 50 },
    compiled,
  });

  const first = assign([]);
  server.send(first);
  const call = await server.next('model-call');
  expect(call).toMatchObject({ runId: first.runId, attempt: 1, index: 1, request: { kind: 'stagehand' } });
  if (call.request.kind !== 'stagehand') throw new Error('expected a Stagehand call');
  const elementId = elementIdInItem(call.request, 'Laptop Beta 13', /button: Add to cart/);
  server.send({
    type: 'model-result',
    requestId: call.requestId,
    answer: jsonAnswer({ action: { elementId, description: 'Add to cart of Laptop Beta 13', method: 'click', arguments: [] }, twoStep: false }),
  });
  expect(await server.next('run-end')).toMatchObject({ runId: first.runId, status: 'succeeded' });
  const actEnd = stepEnd(server.received, first.runId, 1);
  expect(actEnd.output?.resolution?.source).toBe('model');
  const compiled = actEnd.output?.resolution?.compiled;
  expect(compiled?.kind).toBe('actions');

  // The next run of the plan replays the step: no model call at all.
  const second = assign([{ index: 1, resolution: compiled! }]);
  server.send(second);
  expect(await server.next('run-end')).toMatchObject({ runId: second.runId, status: 'succeeded' });
  expect(stepEnd(server.received, second.runId, 1).output).toMatchObject({ resolution: { source: 'replayed' }, modelMs: 0 });
  expect(server.received.filter((message) => message.type === 'model-call')).toHaveLength(1);
});

function stepEnd(received: { type: string }[], runId: string, index: number): StepEnd {
  const found = received.find((message): message is StepEnd => message.type === 'step-end' && (message as StepEnd).runId === runId && (message as StepEnd).index === index);
  if (!found) throw new Error(`no step-end for step ${index}`);
  return found;
}
