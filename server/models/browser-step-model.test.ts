import { MockLanguageModelV4 } from 'ai/test';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest, Step } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { loadPrompt } from '../prompts/load-prompt.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import type { Store } from '../store/store.ts';
import { fixtures } from '../store/testing/contract-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createBrowserStepModel, type BrowserStepContext } from './browser-step-model.ts';
import type { Models } from './create-models.ts';
import { createPriceTable } from './price-table.ts';
import { createUsageMeter } from './usage-meter.ts';

// The browser-step model answers the runner's bridged model calls. The language model is
// MockLanguageModelV4 (ai/test); the usage meter and the store are real, on PostgreSQL.

const USAGE = {
  inputTokens: { total: 120, noCache: 120, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 30, text: 30, reasoning: undefined },
};
/** A model that answers every call with `content`. */
const modelAnswering = (content: object[], reason: 'stop' | 'tool-calls' = 'stop') =>
  new MockLanguageModelV4({ doGenerate: { content: content as never, finishReason: { unified: reason, raw: undefined }, usage: USAGE, warnings: [] } });
const textAnswer = (text: string) => modelAnswering([{ type: 'text', text }]);

const SECRET = 'hunter22';
const STEPS: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/login' },
  { type: 'fill', target: 'Password', value: SECRET },
  { type: 'act', instruction: 'click the sign-in button' },
];
const CALL: Models['call'] = { maxRetries: 0, timeout: { stepMs: 5_000 }, providerOptions: { openai: { store: false } } };
const CLICK_TOOL = {
  name: 'click',
  description: 'Clicks the element at a selector.',
  inputSchema: { type: 'object', properties: { selector: { type: 'string' } }, required: ['selector'] },
};

describe('the browser-step model', () => {
  let database: TestDatabase;
  let store: Store;
  let pool: pg.Pool;
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    pool = new pg.Pool({ connectionString: database.url });
    ownerId = (await store.users.ensure('browser-step')).id;
  });
  afterAll(async () => {
    await pool.end();
    await store.close();
    await database.drop();
  });

  async function modelWith(mock: MockLanguageModelV4, options: { dailyTokens?: number } = {}) {
    const prices = createPriceTable({ 'mock-browser': { input: 1, output: 2 } });
    const meter = createUsageMeter({ store, prices, dailyTokensPerUser: options.dailyTokens ?? 1_000_000, tokensPerRun: 0 });
    return createBrowserStepModel({ handle: { model: mock, name: 'mock-browser' }, call: CALL, meter, extractRulePrompt: await loadPrompt('extract-rule') });
  }

  /** A queued run of STEPS (model_calls refer to a real run). */
  async function queuedRun(owner = ownerId) {
    const conversation = await store.conversations.create(owner, {});
    const result = await store.messages.appendAssistant(owner, conversation.id, {
      parts: [],
      plan: { source: 'api', steps: STEPS },
      run: { maxAttempts: 1, maxQueued: 10 },
    });
    if (result?.status !== 'appended' || !result.runId) throw new Error(`no run was queued: ${JSON.stringify(result)}`);
    return { conversationId: conversation.id, runId: result.runId };
  }

  async function contextFor(options: { owner?: string; stepIndex?: number } = {}): Promise<BrowserStepContext> {
    const owner = options.owner ?? ownerId;
    const { conversationId, runId } = await queuedRun(owner);
    return { ownerId: owner, conversationId, runId, attempt: 1, stepIndex: options.stepIndex ?? 2, secrets: [SECRET] };
  }

  const signal = () => new AbortController().signal;

  it('forwards a Stagehand call with system text as instructions, the whole history and the tools, and returns the tool calls', async () => {
    const mock = modelAnswering(
      [
        { type: 'text', text: 'Clicking Sign in.' },
        { type: 'tool-call', toolCallId: 'call-2', toolName: 'click', input: JSON.stringify({ selector: 'xpath=/html/body/button' }) },
      ],
      'tool-calls',
    );
    const request: ModelRequest = {
      kind: 'stagehand',
      messages: [
        { role: 'system', content: 'You act on web pages.' },
        { role: 'system', content: 'Use the tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Click the sign-in button.' },
            { type: 'image', mediaType: 'image/png', base64: 'iVBORw0KGgo=' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Looking first.' }, { type: 'tool-call', toolCallId: 'call-1', toolName: 'screenshot', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call-1', toolName: 'screenshot', output: { type: 'json', value: { taken: true } } }] },
      ],
      tools: [CLICK_TOOL],
      toolChoice: 'auto',
      maxOutputTokens: 500,
      temperature: 0,
    };
    const answer = await (await modelWith(mock)).answer(request, await contextFor(), signal());

    expect(answer).toEqual({
      kind: 'stagehand',
      text: 'Clicking Sign in.',
      toolCalls: [{ toolCallId: 'call-2', toolName: 'click', input: { selector: 'xpath=/html/body/button' } }],
      finishReason: 'tool-calls',
      inputTokens: 120,
      outputTokens: 30,
    });
    const call = mock.doGenerateCalls[0]!;
    // Both system messages become the instructions; the rest of the history follows as it was.
    expect(call.prompt).toEqual([
      { role: 'system', content: 'You act on web pages.\n\nUse the tools.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Click the sign-in button.' },
          { type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'iVBORw0KGgo=' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Looking first.' }, { type: 'tool-call', toolCallId: 'call-1', toolName: 'screenshot', input: {} }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call-1', toolName: 'screenshot', output: { type: 'json', value: { taken: true } } }] },
    ]);
    // The tools are offered with their JSON schemas, for the runner to carry out.
    expect(call.tools).toEqual([{ type: 'function', name: 'click', description: CLICK_TOOL.description, inputSchema: CLICK_TOOL.inputSchema }]);
    expect(call).toMatchObject({ toolChoice: { type: 'auto' }, maxOutputTokens: 500, temperature: 0 });
  });

  it('answers a call that asks for JSON of a schema with the JSON text', async () => {
    const json = JSON.stringify({ elements: ['Sign in', 'Forgot password'] });
    const mock = textAnswer(json);
    const schema = { type: 'object', properties: { elements: { type: 'array', items: { type: 'string' } } }, required: ['elements'] };
    const request: ModelRequest = { kind: 'stagehand', messages: [{ role: 'user', content: [{ type: 'text', text: 'List the buttons.' }] }], jsonSchema: schema };
    const answer = await (await modelWith(mock)).answer(request, await contextFor(), signal());

    expect(answer).toEqual({ kind: 'stagehand', text: json, toolCalls: [], finishReason: 'stop', inputTokens: 120, outputTokens: 30 });
    expect(mock.doGenerateCalls[0]!.responseFormat).toEqual({ type: 'json', schema });
  });

  it('asks for an extraction rule with the instruction, shape, URL, outline and why the last rule failed, and returns the rule', async () => {
    const rule = { kind: 'list', each: '#products li', item: { kind: 'object', properties: { name: { kind: 'value', selector: '.name' }, price: { kind: 'value', selector: '.price' } } } };
    const mock = textAnswer(JSON.stringify({ rule }));
    const shape = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } } } as const;
    const outline = 'ul#products\n  li\n    span.name "Kettle"\n    span.price "12"';
    const request: ModelRequest = {
      kind: 'extract-rule',
      instruction: 'the name and price of each product',
      shape,
      outline,
      url: 'http://127.0.0.1:9/shop',
      failure: 'The selector .cost matched nothing.',
    };
    const answer = await (await modelWith(mock)).answer(request, await contextFor(), signal());

    expect(answer).toEqual({ kind: 'extract-rule', rule, inputTokens: 120, outputTokens: 30 });
    const [system, user] = mock.doGenerateCalls[0]!.prompt;
    expect(system).toEqual({ role: 'system', content: (await loadPrompt('extract-rule')).text });
    const asked = JSON.stringify(user);
    for (const part of ['the name and price of each product', JSON.stringify(shape), 'http://127.0.0.1:9/shop', outline, 'The selector .cost matched nothing.']) {
      expect(asked).toContain(JSON.stringify(part).slice(1, -1));
    }
    expect(asked).toContain('The previous rule failed');

    // A first rule (no failure yet) is asked for without one.
    const first = textAnswer(JSON.stringify({ rule: { kind: 'value', selector: 'h1' } }));
    const { failure: _failure, ...firstRequest } = request;
    expect(await (await modelWith(first)).answer(firstRequest, await contextFor(), signal())).toMatchObject({ rule: { kind: 'value', selector: 'h1' } });
    expect(JSON.stringify(first.doGenerateCalls[0]!.prompt[1])).not.toContain('The previous rule failed');
  });

  it('hides the plan’s secret values from the model wherever they appear', async () => {
    const stagehand = modelAnswering([{ type: 'text', text: 'ok' }]);
    const request: ModelRequest = {
      kind: 'stagehand',
      messages: [
        { role: 'system', content: `The password field holds ${SECRET}.` },
        { role: 'user', content: [{ type: 'text', text: `The page says: wrong password "${SECRET}"` }] },
        { role: 'assistant', content: [{ type: 'text', text: `I see ${SECRET} on the page.` }, { type: 'tool-call', toolCallId: 'call-1', toolName: 'read', input: {} }] },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call-1', toolName: 'read', output: { type: 'json', value: { fields: [{ label: 'Password', value: SECRET }], note: [`was ${SECRET}`] } } },
            { type: 'tool-result', toolCallId: 'call-2', toolName: 'read', output: { type: 'text', value: `value=${SECRET}` } },
          ],
        },
      ],
    };
    await (await modelWith(stagehand)).answer(request, await contextFor(), signal());
    const seen = JSON.stringify(stagehand.doGenerateCalls[0]!.prompt);
    expect(seen).not.toContain(SECRET);
    // Every place it was shows the mark instead: system, user, assistant, and both tool results.
    expect(seen.match(/\[secret\]/g)).toHaveLength(6);

    const extract = textAnswer(JSON.stringify({ rule: { kind: 'value', selector: '#greeting' } }));
    const outline = `form\n  input#password value="${SECRET}"\n  p#greeting "Hello"`;
    await (await modelWith(extract)).answer({ kind: 'extract-rule', instruction: 'the greeting', outline, url: 'http://127.0.0.1:9/' }, await contextFor(), signal());
    const seenByExtract = JSON.stringify(extract.doGenerateCalls[0]!.prompt);
    expect(seenByExtract).not.toContain(SECRET);
    expect(seenByExtract).toContain('input#password value=\\"[secret]\\"');
  });

  it('refuses a call when the owner has used the day’s tokens, without asking the model', async () => {
    const owner = (await store.users.ensure('over-budget')).id;
    await store.usage.record({ ownerId: owner, purpose: 'chat', model: 'mock-chat', inputTokens: 600, outputTokens: 400, durationMs: 1 });
    const mock = textAnswer('never asked');
    const model = await modelWith(mock, { dailyTokens: 1_000 });
    const request: ModelRequest = { kind: 'stagehand', messages: [{ role: 'user', content: [{ type: 'text', text: 'Click it.' }] }] };

    const error = await model.answer(request, await contextFor({ owner }), signal()).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(SkipperError.isInstance(error)).toBe(true);
    expect((error as SkipperError).code).toBe('budget-exceeded');
    expect(mock.doGenerateCalls).toHaveLength(0);
  });

  it('meters each call against the run, its attempt and its step', async () => {
    const owner = (await store.users.ensure('metered')).id;
    const { conversationId, runId } = await queuedRun(owner);
    const { attempt } = await fixtures(store).claim(runId);
    expect(attempt).toBe(1);
    const model = await modelWith(textAnswer('done'));
    const context: BrowserStepContext = { ownerId: owner, conversationId, runId, attempt, stepIndex: 2, secrets: [] };
    const request: ModelRequest = { kind: 'stagehand', messages: [{ role: 'user', content: [{ type: 'text', text: 'Click it.' }] }] };
    await model.answer(request, context, signal());
    await model.answer(request, context, signal());

    const { rows } = await pool.query('SELECT purpose, model, run_id, conversation_id, attempt, step_index, input_tokens, output_tokens FROM model_calls WHERE owner_id = $1', [owner]);
    const row = { purpose: 'browser-step', model: 'mock-browser', run_id: runId, conversation_id: conversationId, attempt: 1, step_index: 2, input_tokens: 120, output_tokens: 30 };
    expect(rows).toEqual([row, row]);

    const { run } = (await store.runs.get(owner, runId))!;
    // 2 × (120 × $1 + 30 × $2) per million tokens.
    const usage = { model: 'mock-browser', inputTokens: 240, outputTokens: 60, costUsd: 0.00036, calls: 2 };
    expect(run.usage).toEqual(usage);
    expect(run.steps[2]!.usage).toEqual(usage);
    expect(run.steps[0]!.usage).toBeUndefined();
    expect(run.steps[1]!.usage).toBeUndefined();
  });
});
