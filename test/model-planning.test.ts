import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesResponseSchema, type ChatMessage, type Step } from '../protocol/index.ts';
import { createLanguageModel } from '../server/planner/language-model.ts';
import { createModelPlanner } from '../server/planner/model-planner.ts';
import { loadPrompt } from '../server/prompts/load-prompt.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './harness/fake-openai-server.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, runOf } from './harness/ui-client.ts';

// A free-form request, planned by a language model over the OpenAI provider (the model is a
// local scripted endpoint), then run for real.

describe('free-form requests with a language model', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  let runner: RunnerProcess;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    const planner = createModelPlanner({
      model: createLanguageModel({ baseUrl: fake.baseUrl, model: 'fake-planner' }),
      modelName: 'fake-planner',
      prompt: await loadPrompt('planner'),
      timeoutMs: 10_000,
    });
    server = await startTestServer({ planner });
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'model-runner' });
  });
  afterAll(async () => {
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
    await fake?.close();
  });

  async function post(conversationId: string, text: string): Promise<ChatMessage[]> {
    const response = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text } });
    expect(response.status).toBe(201);
    return MessagesResponseSchema.parse(response.body).messages;
  }

  it('plans the request with the model, records which model and prompt did, and runs it', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    const conversationId = body.conversation.id as string;
    const watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
    const steps: Step[] = [
      { type: 'goto', url: `${server.baseUrl}/demo/login` },
      { type: 'fill', target: 'Email', value: 'alice@example.com' },
      { type: 'fill', target: 'Password', value: 'secret' },
      { type: 'click', target: 'Sign in' },
      { type: 'extract', target: 'Signed in as' },
    ];
    fake.answer({ content: JSON.stringify({ reply: 'I will sign in to the demo and read who is signed in.', steps }) });

    const [user, reply] = await post(conversationId, 'log into the demo site as alice and tell me who is signed in');
    expect(user?.role).toBe('user');
    expect(reply?.parts[0]).toEqual({ type: 'text', text: 'I will sign in to the demo and read who is signed in.' });
    const plan = reply?.parts.find((part) => part.type === 'data-plan')?.data;
    expect(plan).toMatchObject({ source: 'model', model: 'fake-planner', prompt: { name: 'planner' }, steps });

    const run = await watcher.waitForRun(runOf(reply!)!.id, (candidate) => candidate.status === 'succeeded');
    expect(run.steps[4]?.output?.text).toContain('alice@example.com');

    // A follow-up carries the conversation so far, including the plan and how its run ended.
    await watcher.waitFor((message) => message.type === 'message-upsert' && message.message.parts[0]?.type === 'text' && message.message.parts[0].text.startsWith('Done'));
    fake.answer({ content: JSON.stringify({ reply: 'Which account should I use instead?', steps: [] }) });
    const [, question] = await post(conversationId, 'now do the same for another account');
    expect(question?.parts).toEqual([{ type: 'text', text: 'Which account should I use instead?' }]);
    const context = JSON.stringify(fake.requests.at(-1)!.messages);
    expect(context).toContain('log into the demo site as alice');
    expect(context).toContain('1. Go to');
    expect(context).toContain('Run succeeded');
    watcher.close();
  });

  it('keeps the message and says so when the model cannot be reached', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    fake.answer({ status: 503, error: 'unavailable' }, { status: 503, error: 'unavailable' });
    const [user, reply] = await post(body.conversation.id, 'book me a table for two tonight');
    expect(reply?.parts).toHaveLength(1);
    expect(reply?.parts[0]).toMatchObject({ type: 'text', text: expect.stringContaining('could not get a plan from the language model') });
    const thread = await server.api(`/api/conversations/${body.conversation.id}`);
    expect(thread.body.messages.map((message: ChatMessage) => message.id)).toEqual([user?.id, reply?.id]);
  });

  it('still runs explicit commands without asking the model', async () => {
    const before = fake.requests.length;
    const created = await server.api('/api/runs', { body: { prompt: `go to ${server.baseUrl}/demo/login, take a screenshot` } });
    expect(created.status).toBe(201);
    expect(fake.requests.length).toBe(before);
  });
});
