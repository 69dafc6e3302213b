import { simulateReadableStream, type UIMessageChunk } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Step } from '../../protocol/index.ts';
import { createPlanService } from '../chat/plan-service.ts';
import { createInProcessEvents } from '../events/event-port.ts';
import { createConversationHub } from '../live/conversation-hub.ts';
import { createLogger } from '../logger.ts';
import { createCircuitBreaker } from '../models/circuit-breaker.ts';
import type { Models } from '../models/create-models.ts';
import { createPriceTable } from '../models/price-table.ts';
import { ReplyStopped } from '../models/reply-stopped.ts';
import { createUsageMeter } from '../models/usage-meter.ts';
import { createModelPlanner } from '../planner/model-planner.ts';
import { loadPrompt } from '../prompts/load-prompt.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import { textParts, type Store } from '../store/store.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createChatAgent, type ChatAgent } from './chat-agent.ts';

// The assistant's logic with the language model replaced by MockLanguageModelV4 (ai/test);
// the store is real PostgreSQL.

/** A provider stream part, as `MockLanguageModelV4` streams it. */
type StreamPart = Record<string, unknown>;

const USAGE = {
  inputTokens: { total: 120, noCache: 120, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 30, text: 30, reasoning: undefined },
};
const finish = (reason: 'stop' | 'tool-calls') => ({ type: 'finish', finishReason: { unified: reason, raw: undefined }, usage: USAGE });
const text = (...deltas: string[]) => [
  { type: 'text-start', id: 't' },
  ...deltas.map((delta) => ({ type: 'text-delta', id: 't', delta })),
  { type: 'text-end', id: 't' },
];
const toolCall = (toolName: string, input: object) => ({ type: 'tool-call', toolCallId: `call-${toolName}`, toolName, input: JSON.stringify(input) });
const streamOf = (parts: StreamPart[]) => ({ stream: simulateReadableStream({ chunks: parts as never[] }) });

const STEPS: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/login' },
  { type: 'fill', target: 'Password', value: 'hunter22' },
  { type: 'click', target: 'Sign in' },
];

describe('the chat agent', () => {
  let database: TestDatabase;
  let store: Store;
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    ownerId = (await store.users.ensure('agent')).id;
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** An agent whose chat and planner models answer as scripted. */
  async function agentWith(chat: MockLanguageModelV4, options: { planner?: MockLanguageModelV4; dailyTokens?: number } = {}) {
    const logger = createLogger({ level: 'silent', name: 'test' });
    const hub = createConversationHub({ store, logger, events: createInProcessEvents({ logger }) });
    const prices = createPriceTable({ 'mock-chat': { input: 1, output: 2 } });
    const models: Models = {
      chat: { model: chat, name: 'mock-chat' },
      planner: { model: options.planner ?? new MockLanguageModelV4(), name: 'mock-planner' },
      browser: { model: new MockLanguageModelV4(), name: 'mock-browser' },
      prices,
      breaker: createCircuitBreaker({ failures: 5, cooldownMs: 1_000 }),
      call: { maxRetries: 0, timeout: { stepMs: 5_000 }, providerOptions: { openai: { store: false } } },
    };
    const meter = createUsageMeter({ store, prices, dailyTokensPerUser: options.dailyTokens ?? 1_000_000, tokensPerRun: 0 });
    const plans = createPlanService({ store, hub, runLimits: { maxAttempts: 1, maxQueued: 100 }, onRunQueued: () => {} });
    const planner = createModelPlanner({ handle: models.planner, prompt: await loadPrompt('planner'), call: models.call });
    return createChatAgent({ models, prompt: await loadPrompt('chat'), meter, historyTokens: 10_000, maxSteps: 4, logger, store, hub, plans, planner });
  }

  /** A conversation whose last message is the person's `request`, and an empty streaming reply to it. */
  async function conversationAsking(request: string, options: { autoRun?: boolean } = {}) {
    const conversation = await store.conversations.create(ownerId, { autoRun: options.autoRun ?? false });
    const user = await store.messages.appendUser(ownerId, conversation.id, { text: request });
    const reply = await store.messages.appendAssistant(ownerId, conversation.id, { parts: [], status: 'streaming', replyTo: user!.message.id });
    if (reply?.status !== 'appended') throw new Error('no reply');
    return { conversationId: conversation.id, messageId: reply.message.id, history: [user!.message] };
  }

  async function reply(agent: ChatAgent, asked: Awaited<ReturnType<typeof conversationAsking>>, signal = new AbortController().signal) {
    const chunks: UIMessageChunk[] = [];
    const outcome = await agent.reply({ ownerId, ...asked, autoRun: (await store.conversations.get(ownerId, asked.conversationId))!.autoRun, signal, emit: (chunk) => chunks.push(chunk) });
    return { outcome, chunks };
  }

  it('streams its answer as UI message chunks and records what the call used against the reply', async () => {
    const chat = new MockLanguageModelV4({ doStream: streamOf([...text('The dashboard ', 'shows **17** errors.'), finish('stop')]) });
    const asked = await conversationAsking('how many errors did the last run see?');
    const { outcome, chunks } = await reply(await agentWith(chat), asked);

    expect(outcome).toEqual({ parts: [{ type: 'text', text: 'The dashboard shows **17** errors.' }], status: 'complete' });
    expect(chunks[0]).toEqual({ type: 'start', messageId: asked.messageId });
    expect(chunks.filter((chunk) => chunk.type === 'text-delta').map((chunk) => (chunk as { delta: string }).delta)).toEqual(['The dashboard ', 'shows **17** errors.']);
    expect(chunks.at(-1)?.type).toBe('finish');
    const message = await store.messages.get(ownerId, asked.messageId);
    expect(message?.metadata.usage).toEqual({ model: 'mock-chat', inputTokens: 120, outputTokens: 30, costUsd: 0.00018, calls: 1 });
    // The model got the chat prompt and the person's request.
    const call = chat.doStreamCalls[0]!;
    expect(JSON.stringify(call.prompt)).toContain('You are skipper');
    expect(JSON.stringify(call.prompt.at(-1))).toContain('how many errors did the last run see?');
  });

  it('proposes a plan through the planner, attaches it to the reply, and stops there until the person runs it', async () => {
    const chat = new MockLanguageModelV4({
      doStream: streamOf([...text('I will sign in.'), toolCall('propose_plan', { task: 'Sign in at http://127.0.0.1:9/login' }), finish('tool-calls')]),
    });
    const planner = new MockLanguageModelV4({
      doGenerate: {
        content: [{ type: 'text', text: JSON.stringify({ reply: 'Signing in.', steps: STEPS }) }],
        finishReason: { unified: 'stop', raw: undefined },
        usage: USAGE,
        warnings: [],
      },
    });
    const asked = await conversationAsking('sign me in to the test site');
    const { outcome } = await reply(await agentWith(chat, { planner }), asked);

    expect(outcome.error).toBeUndefined();
    expect(chat.doStreamCalls).toHaveLength(1); // the loop ends at a proposed plan
    expect(outcome.status).toBe('complete');
    const tool = outcome.parts.find((part) => part.type === 'tool-propose_plan');
    expect(tool).toMatchObject({ state: 'output-available', input: { task: 'Sign in at http://127.0.0.1:9/login' } });
    const message = (await store.messages.get(ownerId, asked.messageId))!;
    const plan = message.parts.find((part) => part.type === 'data-plan')!.data;
    expect(plan).toMatchObject({ status: 'proposed', source: 'model', model: 'mock-planner', steps: STEPS, prompt: { name: 'planner' } });
    expect(plan.usage).toMatchObject({ model: 'mock-planner', inputTokens: 120, outputTokens: 30, calls: 1 });
    expect(message.parts.some((part) => part.type === 'data-run')).toBe(false);
    // What the model is told back names the plan and hides the password.
    const output = JSON.stringify((tool as { output: unknown }).output);
    expect(output).toContain(plan.id);
    expect(output).not.toContain('hunter22');
  });

  it('runs a proposed plan at once in a conversation that runs plans without asking', async () => {
    const chat = new MockLanguageModelV4({ doStream: streamOf([toolCall('propose_plan', { task: 'Sign in' }), finish('tool-calls')]) });
    const planner = new MockLanguageModelV4({
      doGenerate: { content: [{ type: 'text', text: JSON.stringify({ reply: 'ok', steps: STEPS }) }], finishReason: { unified: 'stop', raw: undefined }, usage: USAGE, warnings: [] },
    });
    const asked = await conversationAsking('sign me in', { autoRun: true });
    await reply(await agentWith(chat, { planner }), asked);
    const message = (await store.messages.get(ownerId, asked.messageId))!;
    expect(message.parts.find((part) => part.type === 'data-run')?.data.status).toBe('queued');
    expect(message.parts.find((part) => part.type === 'data-plan')?.data.status).toBe('approved');
  });

  it('answers without a model call, and says why, once the daily budget is spent', async () => {
    const chat = new MockLanguageModelV4({ doStream: streamOf([...text('never'), finish('stop')]) });
    const asked = await conversationAsking('anything');
    const { outcome } = await reply(await agentWith(chat, { dailyTokens: 1 }), asked);
    expect(chat.doStreamCalls).toHaveLength(0);
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('budget-exceeded');
    expect(outcome.error?.message).toContain('LLM_DAILY_TOKENS_PER_USER');
  });

  it('keeps what was written when the person stops the reply', async () => {
    const controller = new AbortController();
    let hold: (() => void) | undefined;
    const chat = new MockLanguageModelV4({
      doStream: async ({ abortSignal }) => ({
        stream: new ReadableStream({
          start(stream) {
            stream.enqueue({ type: 'text-start', id: 't' });
            stream.enqueue({ type: 'text-delta', id: 't', delta: 'Half a thought' });
            hold = () => controller.abort(new ReplyStopped('person'));
            abortSignal?.addEventListener('abort', () => stream.error(abortSignal.reason));
          },
        }),
      }),
    });
    const asked = await conversationAsking('tell me a long story');
    const agent = await agentWith(chat);
    const chunks: UIMessageChunk[] = [];
    const replying = agent.reply({
      ownerId,
      ...asked,
      autoRun: false,
      signal: controller.signal,
      emit(chunk) {
        chunks.push(chunk);
        if (chunk.type === 'text-delta') hold?.();
      },
    });
    const outcome = await replying;
    expect(outcome).toEqual({ parts: [{ type: 'text', text: 'Half a thought' }], status: 'stopped' });
  });

  it('sends earlier plans without the values typed into password fields', async () => {
    const chat = new MockLanguageModelV4({ doStream: streamOf([...text('ok'), finish('stop')]) });
    const conversation = await store.conversations.create(ownerId, {});
    const first = await store.messages.appendUser(ownerId, conversation.id, { text: 'type "hunter22" into "Password" and sign in' });
    await store.messages.appendAssistant(ownerId, conversation.id, { parts: textParts('Done.'), plan: { source: 'grammar', steps: STEPS }, replyTo: first!.message.id });
    const user = await store.messages.appendUser(ownerId, conversation.id, { text: 'what did you just do?' });
    const placeholder = await store.messages.appendAssistant(ownerId, conversation.id, { parts: [], status: 'streaming', replyTo: user!.message.id });
    if (placeholder?.status !== 'appended') throw new Error('no reply');
    const history = (await store.messages.page(ownerId, conversation.id, { limit: 50 }))!.messages.filter((message: ChatMessage) => message.metadata.status !== 'streaming');
    const agent = await agentWith(chat);
    await agent.reply({ ownerId, conversationId: conversation.id, messageId: placeholder.message.id, autoRun: false, history, signal: new AbortController().signal, emit: () => {} });

    const sent = JSON.stringify(chat.doStreamCalls[0]!.prompt);
    expect(sent).not.toContain('hunter22');
    expect(sent).toContain('[secret]');
    expect(sent).toContain('what did you just do?');
  });
});
