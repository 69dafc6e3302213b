import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../protocol/index.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../test/harness/fake-openai-server.ts';
import { loadPrompt } from '../prompts/load-prompt.ts';
import { createModels } from '../models/create-models.ts';
import { testLlmConfig } from '../../test/harness/llm-config.ts';
import { createModelPlanner, type ModelPlanner } from './model-planner.ts';

const STEPS: Step[] = [
  { type: 'goto', url: 'http://localhost:3000/demo/login' },
  { type: 'fill', target: 'Email', value: 'alice@example.com' },
  { type: 'click', target: 'Sign in' },
];

describe('the model planner, through the OpenAI provider over HTTP', () => {
  let fake: FakeOpenAiServer;
  let planner: ModelPlanner;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    const models = createModels(testLlmConfig(fake.baseUrl));
    planner = createModelPlanner({ handle: models.planner, prompt: await loadPrompt('planner'), call: models.call });
  });
  afterAll(() => fake.close());

  it('returns the steps with the model and prompt version that made them', async () => {
    fake.answer({ content: JSON.stringify({ reply: 'I will sign in to the demo.', steps: STEPS }) });
    const prompt = await loadPrompt('planner');
    const result = await planner.plan({ messages: [{ role: 'user', content: 'sign in to the demo as alice' }] });
    expect(result).toMatchObject({
      kind: 'plan',
      reply: 'I will sign in to the demo.',
      steps: STEPS,
      model: 'fake-planner',
      prompt: { name: 'planner', hash: prompt.hash },
      call: { model: 'fake-planner', usage: { inputTokens: 100, outputTokens: 50 } },
    });
    expect(prompt.hash).toMatch(/^[0-9a-f]{12}$/);

    const request = fake.requests.at(-1)!;
    expect(request.model).toBe('fake-planner');
    expect(request.messages[0]).toEqual({ role: 'system', content: prompt.text });
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'sign in to the demo as alice' });
    // The answer is constrained by the step schema, sent as JSON schema.
    expect(request.response_format.type).toBe('json_schema');
    expect(JSON.stringify(request.response_format.json_schema.schema)).toContain('"goto"');
  });

  it('passes on a question when the model plans no steps', async () => {
    fake.answer({ content: JSON.stringify({ reply: 'Which site should I sign in to?', steps: [] }) });
    expect(await planner.plan({ messages: [{ role: 'user', content: 'sign in for me' }] })).toMatchObject({
      kind: 'reply',
      reply: 'Which site should I sign in to?',
    });
  });

  it('rejects an answer whose steps break the protocol', async () => {
    fake.answer({ content: JSON.stringify({ reply: 'Teleporting.', steps: [{ type: 'teleport', to: 'mars' }] }) });
    await expect(planner.plan({ messages: [{ role: 'user', content: 'go to mars' }] })).rejects.toThrow();
  });

  it('retries a failed call once, then gives up with the error', async () => {
    const before = fake.requests.length;
    fake.answer({ status: 500, error: 'overloaded' }, { status: 500, error: 'still overloaded' });
    await expect(planner.plan({ messages: [{ role: 'user', content: 'open example.com' }] })).rejects.toThrow(/overloaded/);
    expect(fake.requests.length - before).toBe(2);
  });

  it('reads what the plan may use after its instructions, and passes browser options on', async () => {
    const browser = { session: { use: 'staging' }, locale: 'de-DE' };
    fake.answer({ content: JSON.stringify({ reply: 'Opens the dashboard signed in.', steps: STEPS.slice(0, 1), browser }) });
    const prompt = await loadPrompt('planner');
    const context = 'Saved browser sessions (a plan starts signed in with browser.session.use and the name):\n- "staging": signed in to example.com';
    const result = await planner.plan({ messages: [{ role: 'user', content: 'open the dashboard with my staging session' }], context });
    expect(result).toMatchObject({ kind: 'plan', steps: STEPS.slice(0, 1), browser });
    expect(fake.requests.at(-1)!.messages[0]).toEqual({ role: 'system', content: `${prompt.text}\n\n${context}` });
    expect(JSON.stringify(fake.requests.at(-1)!.response_format.json_schema.schema)).toContain('saveAs');

    // Empty options are none.
    fake.answer({ content: JSON.stringify({ reply: 'Opens it.', steps: STEPS.slice(0, 1), browser: {} }) });
    expect(await planner.plan({ messages: [{ role: 'user', content: 'open it' }] })).not.toHaveProperty('browser');
  });
});
