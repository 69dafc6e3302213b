import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { MessagesResponseSchema, type ChatMessage } from '../protocol/index.ts';
import type { LlmConfig } from '../server/config.ts';
import { scriptAssistant } from './harness/assistant-script.ts';
import { startFakeOpenAiServer, textAnswer, type FakeOpenAiServer } from './harness/fake-openai-server.ts';
import { testLlmConfig } from './harness/llm-config.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// The assistant when things go wrong: the person stops a reply, the provider fails or hangs,
// a budget runs out, a conversation outgrows what fits in a request. Whatever happens, the
// person's message is kept and a reply says what went wrong.

describe('the assistant when things go wrong', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  let watcher: UiClient;
  let conversationId: string;

  afterEach(async () => {
    watcher?.close();
    await server?.stop();
    await server?.database.drop();
    await fake?.close();
  });

  async function start(overrides: Partial<LlmConfig> = {}) {
    fake = await startFakeOpenAiServer();
    const script = scriptAssistant(fake);
    server = await startTestServer({ llm: testLlmConfig(fake.baseUrl, overrides) });
    conversationId = (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
    watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
    return script;
  }

  /** Posts a message and resolves with the reply once it is written (or has failed). */
  async function ask(text: string): Promise<{ user: ChatMessage; reply: ChatMessage }> {
    const response = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text } });
    expect(response.status).toBe(201);
    const [user, placeholder] = MessagesResponseSchema.parse(response.body).messages;
    const reply = await watcher.waitForMessage((message) => message.id === placeholder!.id && message.metadata.status !== 'streaming');
    return { user: user!, reply };
  }

  const textOf = (message: ChatMessage) => message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

  it('stops a reply at once: the provider request is aborted and what was written stays', async () => {
    const script = await start();
    script.chat({ ...textAnswer('Once upon a time there was a browser agent that never stopped talking'), interrupt: { afterDeltas: 3, then: 'stall' } });
    const response = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text: 'tell me a long story' } });
    const replyId = response.body.messages[1].id as string;
    await watcher.waitFor((message) => message.type === 'message-chunk' && message.messageId === replyId && message.chunk.type === 'text-delta' && message.chunk.delta === ' a');

    const stopped = await server.api(`/api/messages/${replyId}/stop`, { method: 'POST' });
    expect(stopped.status).toBe(200);
    const reply = await watcher.waitForMessage((message) => message.id === replyId && message.metadata.status !== 'streaming');
    expect(reply.metadata.status).toBe('stopped');
    expect(textOf(reply)).toBe('Once upon a');
    expect(await fake.received[0]!.outcome).toBe('aborted');

    // The conversation goes on.
    script.chat(textAnswer('Sure, a short one.'));
    const next = await ask('a short one then');
    expect(next.reply.metadata.status).toBe('complete');
    expect(JSON.stringify(script.chatRequests().at(-1)!.body.messages)).toContain('The person stopped this reply here.');
  });

  it('retries a failing provider, then fails fast while it keeps failing, and recovers when it answers again', async () => {
    const script = await start({ maxRetries: 1, breaker: { failures: 3, cooldownMs: 1_000 } });
    // Retry-After-Ms makes the provider's retry quick; skipper honours it.
    script.chat(...Array.from({ length: 3 }, () => ({ status: 500, error: 'overloaded', retryAfterMs: 50 })));

    const first = await ask('hello?');
    expect(first.reply.metadata).toMatchObject({ status: 'failed', error: { code: 'model-unavailable' } });
    expect(first.reply.metadata.error?.message).toMatch(/HTTP 500.*tried 2 times/);
    expect(fake.received).toHaveLength(2); // retried once
    expect(fake.received[1]!.receivedAt - fake.received[0]!.receivedAt).toBeGreaterThanOrEqual(50);

    const second = await ask('anyone there?');
    expect(second.reply.metadata.status).toBe('failed');
    expect(fake.received).toHaveLength(3); // the third failure in a row opened the breaker before the retry

    const third = await ask('still nothing?');
    expect(third.reply.metadata.error?.message).toContain('not answering');
    expect(fake.received).toHaveLength(3); // failed fast, without calling the provider

    // Every message was kept, each with the reply that says what went wrong.
    const thread = (await server.api(`/api/conversations/${conversationId}`)).body.messages as ChatMessage[];
    expect(thread.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);

    // The breaker lets a call through once its cool-down has passed: the wait is the behaviour under test.
    await sleep(1_000);
    script.chat(textAnswer('I am back.'));
    const recovered = await ask('and now?');
    expect(recovered.reply.metadata.status).toBe('complete');
    expect(textOf(recovered.reply)).toBe('I am back.');
  });

  it('gives up on a provider that does not answer within the timeout, and says so', async () => {
    const script = await start({ timeoutMs: 1_000, maxRetries: 0 });
    script.chat({ hang: true });
    const { reply } = await ask('are you there?');
    expect(reply.metadata).toMatchObject({ status: 'failed', error: { code: 'model-unavailable' } });
    expect(reply.metadata.error?.message).toContain('did not answer in time');
    expect(await fake.received[0]!.outcome).toBe('aborted');
  });

  it('stops calling the model once the daily budget is spent, and names the budget', async () => {
    // Each scripted answer uses 150 tokens (100 in, 50 out).
    const script = await start({ dailyTokensPerUser: 200 });
    script.chat(textAnswer('One.'), textAnswer('Two.'));
    expect((await ask('one')).reply.metadata.status).toBe('complete');
    expect((await ask('two')).reply.metadata.status).toBe('complete');
    const over = await ask('three');
    expect(over.reply.metadata).toMatchObject({ status: 'failed', error: { code: 'budget-exceeded' } });
    expect(over.reply.metadata.error?.message).toContain('LLM_DAILY_TOKENS_PER_USER');
    expect(fake.received).toHaveLength(2);
  });

  it('leaves the oldest messages out when the conversation does not fit the history budget', async () => {
    const script = await start({ historyTokens: 400 });
    const long = (label: string) => `${label}: ${'the quick brown fox jumps over the lazy dog '.repeat(30)}`;
    script.chat(textAnswer('Noted.'), textAnswer('Noted.'), textAnswer('Noted.'));
    await ask(long('first note'));
    await ask(long('second note'));
    await ask('what did I say last?');
    const sent = JSON.stringify(script.chatRequests().at(-1)!.body.messages);
    expect(sent).toContain('what did I say last?');
    expect(sent).toContain('second note');
    expect(sent).not.toContain('first note');
  });
});
