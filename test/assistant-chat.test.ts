import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesResponseSchema, type ChatMessage, type ScheduleView, type Step } from '../protocol/index.ts';
import { loadPrompt } from '../server/prompts/load-prompt.ts';
import { scriptAssistant, toolsOffered } from './harness/assistant-script.ts';
import { startFakeOpenAiServer, textAnswer, toolCall, type FakeOpenAiServer } from './harness/fake-openai-server.ts';
import { testLlmConfig } from './harness/llm-config.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, runOf, type UiClient } from './harness/ui-client.ts';

// The assistant end to end: REST, the live socket, the real OpenAI provider over HTTP to a
// local scripted model, a runner process and Chromium. Only the model is fake.

describe('the assistant', () => {
  let fake: FakeOpenAiServer;
  let script: ReturnType<typeof scriptAssistant>;
  let server: TestServer;
  let runner: RunnerProcess;
  const watchers: UiClient[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    script = scriptAssistant(fake);
    server = await startTestServer({ llm: testLlmConfig(fake.baseUrl) });
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'assistant-runner' });
  });
  afterAll(async () => {
    for (const watcher of watchers) watcher.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
    await fake?.close();
  });

  async function conversationWatchedBy(count: number) {
    const conversationId = (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
    const clients = await Promise.all(Array.from({ length: count }, () => connectUi(server.baseUrl)));
    watchers.push(...clients);
    await Promise.all(clients.map((client) => client.subscribe(conversationId)));
    return { conversationId, clients };
  }

  async function post(conversationId: string, text: string): Promise<ChatMessage[]> {
    const response = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text } });
    expect(response.status).toBe(201);
    return MessagesResponseSchema.parse(response.body).messages;
  }

  const finished = (id: string) => (message: ChatMessage) => message.id === id && message.metadata.status !== 'streaming';
  const textOf = (message: ChatMessage) => message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

  it('streams a reply to every tab watching, and records which model wrote it and what it used', async () => {
    const { conversationId, clients } = await conversationWatchedBy(2);
    const answer = textAnswer('The **demo site** has a sign-in page, a dashboard and a form.');
    script.chat(answer);
    const [user, reply] = await post(conversationId, 'what is on the demo site?');
    expect(user?.role).toBe('user');
    // Accepted at once: the reply is being written.
    expect(reply?.metadata.status).toBe('streaming');
    expect(reply?.parts).toEqual([]);

    const [first, second] = await Promise.all(clients.map((client) => client.waitForMessage(finished(reply!.id))));
    expect(second).toEqual(first);
    expect(first!.metadata).toMatchObject({
      status: 'complete',
      usage: { model: 'fake-chat', inputTokens: 100, outputTokens: 50, costUsd: 0.0002, calls: 1 },
      prompt: { name: 'chat', hash: (await loadPrompt('chat')).hash },
    });
    expect(textOf(first!)).toBe(answer.content.join(''));
    for (const client of clients) {
      const chunks = client.chunksOf(reply!.id);
      // Every chunk once, in order, from the first.
      expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_chunk, index) => index));
      expect(chunks[0]?.chunk).toEqual({ type: 'start', messageId: reply!.id });
      expect(chunks.flatMap(({ chunk }) => (chunk.type === 'text-delta' ? [chunk.delta] : []))).toEqual(answer.content);
    }

    const request = script.chatRequests().at(-1)!;
    expect(request.body.model).toBe('fake-chat');
    expect(request.body.stream).toBe(true);
    expect(request.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('You are skipper') });
    expect(request.body.messages.at(-1)).toEqual({ role: 'user', content: 'what is on the demo site?' });
    expect(toolsOffered(request)).toEqual(['get_run', 'list_runs', 'propose_plan', 'run_plan', 'schedule_task']);
  });

  it('asks a clarifying question, then plans once it has the answer', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    script.chat(textAnswer('Which site should I sign in to?'));
    const [, question] = await post(conversationId, 'sign me in');
    const asked = await clients[0]!.waitForMessage(finished(question!.id));
    expect(textOf(asked)).toBe('Which site should I sign in to?');
    expect(asked.parts.some((part) => part.type === 'data-plan')).toBe(false);

    script.chat({ content: 'Planning it.', toolCalls: [{ name: 'propose_plan', arguments: { task: `Sign in at ${server.baseUrl}/demo/login` } }] });
    script.plan([{ type: 'goto', url: `${server.baseUrl}/demo/login` }]);
    const [, planned] = await post(conversationId, 'the demo site');
    const withPlan = await clients[0]!.waitForMessage(finished(planned!.id));
    expect(withPlan.parts.find((part) => part.type === 'data-plan')?.data.status).toBe('proposed');
    // The second request carried the question and its answer.
    const context = JSON.stringify(script.chatRequests().at(-1)!.body.messages);
    expect(context).toContain('Which site should I sign in to?');
    expect(context).toContain('the demo site');
  });

  it('proposes a plan, runs it once approved, and closes with the value the run read', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    const watcher = clients[0]!;
    const steps: Step[] = [
      { type: 'goto', url: `${server.baseUrl}/demo/login` },
      { type: 'fill', target: 'Email', value: 'alice@example.com' },
      { type: 'fill', target: 'Password', value: 'secret' },
      { type: 'click', target: 'Sign in' },
      { type: 'extract', target: 'Signed in as' },
    ];
    script.chat({ content: 'I will sign in and read who is signed in.', toolCalls: [{ name: 'propose_plan', arguments: { task: 'Sign in to the demo as alice and read who is signed in' } }] });
    script.plan(steps);
    const [, reply] = await post(conversationId, 'log into the demo site as alice and tell me who is signed in');
    const proposed = await watcher.waitForMessage(finished(reply!.id));
    const plan = proposed.parts.find((part) => part.type === 'data-plan')!.data;
    expect(plan).toMatchObject({ status: 'proposed', version: 1, source: 'model', model: 'fake-planner', steps, prompt: { name: 'planner' } });
    expect(plan.usage).toMatchObject({ model: 'fake-planner', calls: 1 });
    expect(runOf(proposed)).toBeUndefined(); // nothing runs until the person says so
    expect(proposed.parts.find((part) => part.type === 'tool-propose_plan')).toMatchObject({ state: 'output-available' });

    script.chat(textAnswer('You are signed in as alice@example.com.'));
    const approved = await server.api(`/api/plans/${plan.id}/approve`, { method: 'POST' });
    expect(approved.status).toBe(201);
    const run = await watcher.waitForRun(approved.body.run.id, (candidate) => candidate.status === 'succeeded', 60_000);
    expect(run.steps[4]?.output?.text).toContain('alice@example.com');

    const closing = await watcher.waitForMessage((message) => message.role === 'assistant' && textOf(message) === 'You are signed in as alice@example.com.' && message.metadata.status === 'complete');
    expect(closing.metadata.usage?.model).toBe('fake-chat');
    const request = script.chatRequests().at(-1)!;
    // The model closing the run saw what it read, could only look at runs, and never saw the password.
    const sent = JSON.stringify(request.body.messages);
    expect(sent).toContain('Signed in as alice@example.com');
    expect(sent).not.toContain('"secret"');
    expect(toolsOffered(request)).toEqual(['get_run', 'list_runs']);
  }, 90_000);

  it('makes each edit of a proposed plan a new version, and refuses to change a plan that is no longer proposed', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    script.chat(toolCall('propose_plan', { task: 'Open the form' }));
    script.plan([{ type: 'goto', url: `${server.baseUrl}/demo/form` }, { type: 'screenshot' }]);
    const [, reply] = await post(conversationId, 'open the demo form');
    const plan = (await clients[0]!.waitForMessage(finished(reply!.id))).parts.find((part) => part.type === 'data-plan')!.data;

    const edited = await server.api(`/api/plans/${plan.id}`, { method: 'PATCH', body: { steps: [{ type: 'goto', url: `${server.baseUrl}/demo/form` }] } });
    expect(edited.status).toBe(200);
    expect(edited.body.plan).toMatchObject({ version: 2, previousVersionId: plan.id, status: 'proposed', steps: [{ type: 'goto' }] });
    const shown = await clients[0]!.waitForMessage((message) => message.id === reply!.id && message.parts.some((part) => part.type === 'data-plan' && part.data.version === 2));
    expect(shown.parts.filter((part) => part.type === 'data-plan')).toHaveLength(1);
    const stale = await server.api(`/api/plans/${plan.id}`, { method: 'PATCH', body: { steps: [{ type: 'screenshot' }] } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain('newest version');
    expect((await server.api(`/api/plans/${plan.id}`, { method: 'PATCH', body: { steps: [{ type: 'teleport' }] } })).status).toBe(400);

    const discarded = await server.api(`/api/plans/${edited.body.plan.id}/discard`, { method: 'POST' });
    expect(discarded.body.plan.status).toBe('discarded');
    expect((await server.api(`/api/plans/${edited.body.plan.id}/approve`, { method: 'POST' })).status).toBe(409);
  });

  it('saves a task on a schedule when asked, planned once, its runs posted in this conversation', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    const task = `go to ${server.baseUrl}/demo/dashboard, then read the text of "Errors today"`;
    const plannerRequestsBefore = script.plannerRequests().length;
    script.chat(toolCall('schedule_task', { task, when: 'every weekday at 9:00', name: 'Morning errors' }));
    script.chat(textAnswer('Done: it runs every weekday at 9:00.'));
    const [, reply] = await post(conversationId, 'check the demo dashboard errors every weekday at 9');
    const answered = await clients[0]!.waitForMessage(finished(reply!.id));
    expect(textOf(answered)).toBe('Done: it runs every weekday at 9:00.');
    const call = answered.parts.find((part) => part.type === 'tool-schedule_task');
    expect(call).toMatchObject({ state: 'output-available', output: { name: 'Morning errors', when: 'every weekday at 9:00', status: 'active' } });

    const listed = (await server.api('/api/schedules')).body.schedules as ScheduleView[];
    const schedule = listed.find((candidate) => candidate.name === 'Morning errors')!;
    expect(schedule).toMatchObject({ conversationId, prompt: task, spec: { kind: 'cron', cron: '0 9 * * 1-5' } });
    expect(Date.parse(schedule.nextRunAt!)).toBeGreaterThan(Date.now());
    // The task was read by the command grammar: the planner was not asked.
    expect(script.plannerRequests()).toHaveLength(plannerRequestsBefore);
  });

  it('runs proposed plans at once when the conversation runs plans without asking', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    const switched = await server.api(`/api/conversations/${conversationId}`, { method: 'PATCH', body: { autoRun: true } });
    expect(switched.body.conversation.autoRun).toBe(true);
    // Every tab watching hears of it.
    await clients[0]!.waitFor((message) => message.type === 'conversation-updated' && message.conversation.autoRun);
    script.chat(toolCall('propose_plan', { task: 'Open the form' }));
    script.plan([{ type: 'goto', url: `${server.baseUrl}/demo/form` }]);
    script.chat(textAnswer('The form is open.'));
    const [, reply] = await post(conversationId, 'open the demo form');
    const message = await clients[0]!.waitForMessage((candidate) => candidate.id === reply!.id && runOf(candidate)?.status === 'succeeded', 60_000);
    expect(message.parts.find((part) => part.type === 'data-plan')?.data.status).toBe('approved');
    // The instructions told the model that plans run at once here.
    expect(JSON.stringify(script.chatRequests().find((request) => JSON.stringify(request.body.messages).includes('open the demo form'))!.body.messages[0])).toContain(
      'runs plans without asking',
    );
    // The closing message takes the last scripted answer; the next test's answers must not go to it.
    await clients[0]!.waitForMessage((candidate) => textOf(candidate) === 'The form is open.' && candidate.metadata.status === 'complete', 60_000);
  }, 60_000);

  it('gives a tab that opens mid-reply the whole reply, each piece once', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    const answer = { ...textAnswer('one two three four five six seven eight nine ten eleven twelve'), deltaDelayMs: 100 };
    script.chat(answer);
    const [, reply] = await post(conversationId, 'count to twelve');
    // Once the first tab has seen some of it, a second one opens.
    await clients[0]!.waitFor((message) => message.type === 'message-chunk' && message.chunk.type === 'text-delta');
    const late = await connectUi(server.baseUrl);
    watchers.push(late);
    await late.subscribe(conversationId);
    const done = await late.waitForMessage(finished(reply!.id));
    expect(textOf(done)).toBe(answer.content.join(''));
    const chunks = late.chunksOf(reply!.id);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_chunk, index) => index));
    expect(chunks.flatMap(({ chunk }) => (chunk.type === 'text-delta' ? [chunk.delta] : [])).join('')).toBe(answer.content.join(''));
  });

  it('keeps passwords typed in earlier plans out of what it sends the model', async () => {
    const { conversationId, clients } = await conversationWatchedBy(1);
    const [, command] = await post(conversationId, `go to ${server.baseUrl}/demo/login, type "alice@example.com" into "Email", type "hunter22" into "Password", click "Sign in"`);
    await clients[0]!.waitForRun(runOf(command!)!.id, (run) => run.status !== 'queued' && run.status !== 'running', 60_000);
    script.chat(textAnswer('You signed in to the demo site.'));
    const [, reply] = await post(conversationId, 'what did I just do?');
    await clients[0]!.waitForMessage(finished(reply!.id));
    const sent = JSON.stringify(script.chatRequests().at(-1)!.body.messages);
    expect(sent).toContain('what did I just do?');
    expect(sent).toContain('alice@example.com');
    expect(sent).not.toContain('hunter22');
    expect(sent).toContain('[secret]');
  }, 60_000);
});
