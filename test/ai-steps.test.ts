import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunViewSchema, type ChatMessage, type RunView, type Step } from '../protocol/index.ts';
import { actAnswer, browserCallKind, jsonAnswer, requestText, shopBrowserModel } from './harness/browser-model-script.ts';
import { startFakeOpenAiServer, toolCall, type FakeOpenAiServer } from './harness/fake-openai-server.ts';
import { startFixtureShop, type FixtureShop } from './harness/fixture-shop.ts';
import { testLlmConfig } from './harness/llm-config.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, runOf, type UiClient } from './harness/ui-client.ts';

// AI steps end to end: the server (model bridge, compiled plans, repair), a runner process with
// Stagehand in Chromium, the demo shop on loopback, and the real OpenAI provider talking to a
// local fake that answers like a model reading the page. Only the model is fake.

const isFinal = (run: RunView) => ['succeeded', 'failed', 'cancelled'].includes(run.status);
const textOf = (message: ChatMessage) => message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

const PRODUCT_SHAPE = {
  type: 'array',
  items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } },
} as const;
const FIRST_LAPTOPS = [
  { name: 'Aero 13 laptop', price: 899 },
  { name: 'Forge 16 laptop', price: 1549 },
  { name: 'Breeze 14 laptop', price: 649 },
  { name: 'Atlas 15 laptop', price: 1199 },
];

// Each test runs several plans in Chromium; on two busy cores that can take a while.
describe('AI steps', { timeout: 150_000 }, () => {
  let fake: FakeOpenAiServer;
  let shop: FixtureShop;
  let server: TestServer;
  let runner: RunnerProcess;
  let ui: UiClient;

  beforeAll(async () => {
    [fake, shop] = await Promise.all([startFakeOpenAiServer(), startFixtureShop()]);
    server = await startTestServer({ llm: testLlmConfig(fake.baseUrl), stepTimeoutMs: 3_000 });
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'ai-runner' });
    ui = await connectUi(server.baseUrl);
  });
  afterAll(async () => {
    ui?.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
    await Promise.all([fake?.close(), shop?.close()]);
  });

  /** Requests the browser-step model received since `from` (a count of requests). */
  const browserCallsSince = (from: number) => fake.received.slice(from).filter((request) => browserCallKind(request) !== 'other');

  async function watchedConversation(): Promise<string> {
    const conversationId = (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
    await ui.subscribe(conversationId);
    return conversationId;
  }

  /** Queues a run of `steps` in a watched conversation and waits for it to end. */
  async function run(steps: Step[], conversationId?: string): Promise<RunView> {
    const created = await server.api('/api/runs', { body: { steps, conversationId: conversationId ?? (await watchedConversation()) } });
    expect(created.status).toBe(201);
    return ui.waitForRun(created.body.run.id, isFinal, 90_000);
  }

  /** Runs the plan again ("Run again" on the run card) and waits for that run to end. */
  async function runAgain(planId: string): Promise<RunView> {
    const created = await server.api(`/api/plans/${planId}/run`, { body: {} });
    expect(created.status).toBe(201);
    return ui.waitForRun(created.body.run.id, isFinal, 90_000);
  }

  it('runs act and extract through the model over the bridge, from a runner that holds no model key; the model sees the page and no secret', async () => {
    // The runner process was started without any key or model endpoint in its environment.
    const environ = await readFile(`/proc/${runner.child.pid}/environ`, 'utf8');
    expect(environ.split('\0').filter((entry) => /_API_KEY=|^LLM_/.test(entry))).toEqual([]);

    fake.respond((request) => {
      if (browserCallKind(request) === 'act') return actAnswer(request, /button: Sign in/, 'the Sign in button');
      if (browserCallKind(request) === 'extract-rule') {
        return jsonAnswer({ rule: { kind: 'list', each: 'tbody tr', item: { kind: 'object', properties: { service: { kind: 'value', selector: 'td' }, status: { kind: 'value', selector: 'td:nth-child(2)' } } } } });
      }
      return undefined;
    });
    const before = fake.received.length;
    const finished = await run([
      { type: 'goto', url: `${server.baseUrl}/demo/login` },
      { type: 'fill', target: 'Email', value: 'alice@example.com' },
      { type: 'fill', target: 'Password', value: 'secret' },
      { type: 'act', instruction: 'sign in' },
      {
        type: 'extract',
        instruction: 'the name and status of each service',
        shape: { type: 'array', items: { type: 'object', properties: { service: { type: 'string' }, status: { type: 'string' } } } },
      },
    ]);

    expect(finished.status).toBe('succeeded');
    expect(finished.steps[3]?.output?.url).toBe(`${server.baseUrl}/demo/dashboard`);
    expect(finished.steps[4]?.output?.data).toEqual([
      { service: 'API', status: 'Operational' },
      { service: 'Web app', status: 'Operational' },
      { service: 'Webhooks', status: 'Degraded' },
      { service: 'Email alerts', status: 'Operational' },
    ]);
    for (const index of [3, 4]) {
      expect(finished.steps[index]?.output?.resolution?.source).toBe('model');
      // Each AI step's call is metered on the step: 900 tokens in, 40 out, priced for fake-browser.
      expect(finished.steps[index]?.usage).toMatchObject({ model: 'fake-browser', inputTokens: 900, outputTokens: 40, calls: 1 });
      expect(finished.steps[index]?.output?.modelMs).toBeGreaterThanOrEqual(0);
    }
    expect(finished.usage).toMatchObject({ inputTokens: 1_800, outputTokens: 80, calls: 2 });
    expect(finished.usage?.costUsd).toBeCloseTo(0.00098, 8);

    const [act, extract] = browserCallsSince(before);
    expect(browserCallKind(act!)).toBe('act');
    expect(browserCallKind(extract!)).toBe('extract-rule');
    // The act call carries Stagehand's accessibility tree, the extract call our outline of the page.
    expect(requestText(act!)).toMatch(/\[\d+-\d+\] button: Sign in/);
    expect(requestText(extract!)).toContain('td "Webhooks"');
    // The login page says the password; the server hid it before the provider saw the page.
    expect(requestText(act!)).toContain('[secret]');
    for (const request of [act!, extract!]) expect(JSON.stringify(request.body).replaceAll('[secret]', '')).not.toMatch(/\bsecret\b/);
  });

  it('compiles: the next run replays with zero model calls; after a redesign the steps heal, and the run after replays the healed form', async () => {
    fake.respond(shopBrowserModel);
    const steps: Step[] = [
      { type: 'goto', url: `${shop.url}/shop` },
      { type: 'fill', target: { by: 'label', label: 'Search products' }, value: 'laptop' },
      { type: 'act', instruction: 'click the search button', safeToRetry: true },
      { type: 'extract', instruction: 'the name and price of each product', shape: PRODUCT_SHAPE },
    ];
    const sources = (ran: RunView) => ran.steps.slice(2).map((step) => step.output?.resolution?.source);

    let before = fake.received.length;
    const first = await run(steps);
    expect(first.status).toBe('succeeded');
    expect(first.steps[3]?.output?.data).toEqual(FIRST_LAPTOPS);
    expect(sources(first)).toEqual(['model', 'model']);
    expect(browserCallsSince(before)).toHaveLength(2);

    /** Runs the plan again and checks that it replayed what it compiled to: same data, no model request, nothing metered. */
    const expectReplay = async () => {
      const from = fake.received.length;
      const replayed = await runAgain(first.planId);
      expect(replayed.status).toBe('succeeded');
      expect(fake.received.length - from).toBe(0);
      expect(sources(replayed)).toEqual(['replayed', 'replayed']);
      expect(replayed.steps[3]?.output?.data).toEqual(FIRST_LAPTOPS);
      expect(replayed.usage).toBeUndefined();
    };
    await expectReplay();

    shop.setDesign('redesigned');
    try {
      before = fake.received.length;
      const healed = await runAgain(first.planId);
      expect(healed.status).toBe('succeeded');
      expect(sources(healed)).toEqual(['healed', 'healed']);
      expect(healed.steps[3]?.output?.data).toEqual(FIRST_LAPTOPS);
      const calls = browserCallsSince(before);
      expect(calls.map(browserCallKind)).toEqual(['act', 'extract-rule']);
      expect(requestText(calls[0]!)).toMatch(/button: Find/);
      // The model is told why the old rule no longer reads the page.
      expect(requestText(calls[1]!)).toContain('The previous rule failed');

      await expectReplay();
    } finally {
      shop.setDesign('classic');
    }
  });

  describe('repair', () => {
    const searchThenCheck = (click: Step): Step[] => [
      { type: 'goto', url: `${shop.url}/shop` },
      { type: 'fill', target: { by: 'label', label: 'Search products' }, value: 'laptop' },
      click,
      { type: 'assert', text: 'products found' },
    ];
    const plannerCalls = (from: number) => fake.received.slice(from).filter((request) => request.body.model === 'fake-planner');
    /** The planner answers with these steps; the chat model writes closing messages in one sentence. */
    const answerRepairsWith = (steps: Step[]) =>
      fake.respond((request) => {
        if (request.body.model === 'fake-planner') return jsonAnswer({ reply: 'The search button is now called Find, so step 3 clicks Find.', steps });
        if (request.body.model === 'fake-chat') return { content: 'The repaired plan ran.' };
        return undefined;
      });

    it('repairs a read-only plan whose step failed for good, and runs the repaired plan', async () => {
      shop.setDesign('redesigned');
      try {
        answerRepairsWith([{ type: 'click', target: 'Find', safeToRetry: true }, { type: 'assert', text: 'products found' }]);
        const before = fake.received.length;
        const conversationId = await watchedConversation();
        const failed = await run(searchThenCheck({ type: 'click', target: { by: 'role', role: 'button', name: 'Search' }, safeToRetry: true }), conversationId);
        expect(failed.status).toBe('failed');
        expect(failed.steps[2]?.error?.code).toBe('target-not-found');
        // What the runner saw when the step failed, for the planner.
        expect(failed.steps[2]?.output?.url).toBe(`${shop.url}/shop`);
        expect(failed.steps[2]?.output?.snapshot).toContain('button "Find"');

        const closing = await ui.waitForMessage((message) => textOf(message).includes('**Repaired**'), 60_000);
        expect(textOf(closing)).toContain('Step 3 (Click the button "Search") failed');
        expect(textOf(closing)).toContain('The search button is now called Find');
        const plan = closing.parts.find((part) => part.type === 'data-plan')?.data;
        expect(plan).toMatchObject({ version: 2, previousVersionId: failed.planId, repairs: 1, source: 'model' });
        expect(plan?.steps[2]).toEqual({ type: 'click', target: 'Find', safeToRetry: true });
        const repaired = await ui.waitForRun(runOf(closing)!.id, isFinal, 60_000);
        expect(repaired.status).toBe('succeeded');

        const [planner] = plannerCalls(before);
        expect(plannerCalls(before)).toHaveLength(1);
        expect(requestText(planner!)).toContain(failed.steps[2]!.error!.message);
        expect(requestText(planner!)).toContain(`${shop.url}/shop`);
        expect(requestText(planner!)).toContain('button "Find"');
      } finally {
        shop.setDesign('classic');
      }
    });

    it('stops after REPAIR_MAX_ATTEMPTS repairs, and never repairs a plan that may change data', async () => {
      shop.setDesign('redesigned');
      try {
        // A planner that keeps getting it wrong: each repaired plan fails the same way.
        answerRepairsWith([{ type: 'click', target: { by: 'role', role: 'button', name: 'Search' }, safeToRetry: true }, { type: 'assert', text: 'products found' }]);
        let before = fake.received.length;
        const conversationId = await watchedConversation();
        const failed = await run(searchThenCheck({ type: 'click', target: { by: 'role', role: 'button', name: 'Search' }, safeToRetry: true }), conversationId);
        expect(failed.status).toBe('failed');
        // Two repairs (the limit in this config), each run failing; the third failure is closed as usual.
        const second = await ui.waitForMessage((message) => textOf(message).includes('repair 2 of at most 2'), 60_000);
        const last = await ui.waitForRun(runOf(second)!.id, isFinal, 60_000);
        expect(last.status).toBe('failed');
        const closing = await ui.waitForMessage((message) => textOf(message) === 'The repaired plan ran.', 60_000);
        expect(closing.parts.find((part) => part.type === 'data-plan')).toBeUndefined();
        expect(plannerCalls(before)).toHaveLength(2);

        // A click not marked safe to repeat may have changed something: no repair, no planner call.
        before = fake.received.length;
        const unsafe = await run(searchThenCheck({ type: 'click', target: { by: 'role', role: 'button', name: 'Search' } }), conversationId);
        expect(unsafe.status).toBe('failed');
        const summary = await ui.waitForMessage((message) => textOf(message).startsWith('Failed at step 3 of 4'), 30_000);
        expect(textOf(summary)).not.toContain('Repaired');
        expect(plannerCalls(before)).toHaveLength(0);
      } finally {
        shop.setDesign('classic');
      }
    });
  });

  describe('when the model is slow, cancelled or cut off', () => {
    const hangOnAct = () => fake.respond((request) => (browserCallKind(request) === 'act' ? { hang: true } : undefined));
    /** The next request the fake receives, once it has. */
    const nextRequest = () => fake.waitForRequest(fake.received.length + 1, { timeoutMs: 60_000 });

    it('fails an AI step that outlives its time limit with a timeout, and stops the model call', async () => {
      hangOnAct();
      const arrived = nextRequest();
      const finished = await run([
        { type: 'goto', url: `${shop.url}/shop` },
        { type: 'act', instruction: 'click the search button', timeoutMs: 2_000 },
      ]);
      expect(finished.status).toBe('failed');
      expect(finished.steps[1]?.error?.code).toBe('timeout');
      expect(finished.steps[1]?.error?.message).toMatch(/2 s/);
      // The runner gave up on the answer; the server stopped asking the provider.
      expect(await (await arrived).outcome).toBe('aborted');
    });

    it('cancels the model call when the run is cancelled during it; the run ends cancelled', async () => {
      hangOnAct();
      const arrived = nextRequest();
      const conversationId = await watchedConversation();
      const created = await server.api('/api/runs', {
        body: { conversationId, steps: [{ type: 'goto', url: `${shop.url}/shop` }, { type: 'act', instruction: 'click the search button' }] },
      });
      const request = await arrived;
      expect((await server.api(`/api/runs/${created.body.run.id}/cancel`, { body: {} })).status).toBe(200);
      expect(await request.outcome).toBe('aborted');
      const cancelled = await ui.waitForRun(created.body.run.id, isFinal);
      expect(cancelled.status).toBe('cancelled');
    });

    it('stops an agent step at its action limit, saying so', async () => {
      fake.respond((request) => {
        if (browserCallKind(request) !== 'agent') return undefined;
        // At the limit Stagehand forces its done tool for a last word; until then the model only thinks.
        if (request.body.tool_choice === 'required') return toolCall('done', { reasoning: 'no laptop under $400 here', taskComplete: false });
        return toolCall('think', { reasoning: 'looking for a laptop under $400' });
      });
      const finished = await run([
        { type: 'goto', url: `${shop.url}/shop` },
        { type: 'agent', task: 'find a laptop under $400 and open it', maxActions: 2 },
      ]);
      expect(finished.status).toBe('failed');
      expect(finished.steps[1]?.error?.message).toMatch(/stopped after 2 actions without finishing/);
    });

    it('survives the runner being killed during a model call: the call is stopped, another runner runs the step again', async () => {
      hangOnAct();
      const arrived = nextRequest();
      const conversationId = await watchedConversation();
      const created = await server.api('/api/runs', {
        body: {
          conversationId,
          steps: [
            { type: 'goto', url: `${shop.url}/shop` },
            { type: 'act', instruction: 'click the search button', safeToRetry: true },
          ],
        },
      });
      const request = await arrived;
      runner.child.kill('SIGKILL');
      await runner.exited;
      // Once the server takes the run back, nobody waits for that answer any more.
      expect(await request.outcome).toBe('aborted');
      fake.respond(shopBrowserModel);
      runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'ai-runner-2' });
      const finished = RunViewSchema.parse(await ui.waitForRun(created.body.run.id, isFinal, 90_000));
      expect(finished.status).toBe('succeeded');
      expect(finished.attempt).toBe(2);
      expect(finished.earlierAttempts.map((attempt) => attempt.status)).toEqual(['lost']);
      expect(finished.steps[1]?.output?.resolution?.source).toBe('model');
    });
  });
});
