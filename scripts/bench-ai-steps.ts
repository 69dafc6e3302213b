// `npm run bench:ai`: AI steps on the fixture shop task (go to /shop, fill the search, act "click
// the search button", extract the name and price of each product) through the real server, queue,
// runner process, Stagehand and Chromium. Only the model is fake: a local OpenAI-compatible server
// that answers at once, as a model reading the page would. Prints three sections:
//   1. a first run (through the model) against replayed runs (compiled, no model call) and the
//      same task in bare Playwright;
//   2. what the model bridge adds to each model call, the provider's time excluded;
//   3. prompt tokens per AI step (o200k): our extract-rule request against what Stagehand's own
//      extract sends, on the shop's results page and on a longer list.
// A benchmark, not a test: it asserts nothing about timings. It exits non-zero when a run fails
// or a replayed run asks the model.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { z } from 'zod';
import { newRunPage, RUN_VIEWPORT } from '../agent-runner/browser/run-pages.ts';
import { promptText, scriptedModel, jsonAnswer as stagehandAnswer } from '../agent-runner/test/scripted-model.ts';
import { createStagehandSessions, createStepModel, openTestBrowser, withStepModel, type OpenedBrowser, type StagehandSessions } from '../agent-runner/testing.ts';
import type { ExtractShape, ModelRequest, RunView, Step } from '../protocol/index.ts';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { sendDemoPage } from '../server/demo/demo-page.ts';
import { html } from '../server/demo/html.ts';
import { formatPrice } from '../server/demo/shop-pages.ts';
import { browserCallKind, requestText, SHOP_PRODUCT_RULES, shopBrowserModel } from '../test/harness/browser-model-script.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer, type FakeRequest } from '../test/harness/fake-openai-server.ts';
import { startFixtureShop } from '../test/harness/fixture-shop.ts';
import { testLlmConfig } from '../test/harness/llm-config.ts';
import { startRunnerProcess } from '../test/harness/runner-process.ts';
import { startTestServer, type TestServer } from '../test/harness/test-server.ts';
import { connectUi, type UiClient } from '../test/harness/ui-client.ts';

const ROUNDS = 5;
/** Extract steps in the plan that measures the bridge, one model call each. */
const BRIDGE_STEPS = 30;
/** Products on the long results page; the demo shop shows 4 a page. */
const LONG_LIST = 50;
/** What the test server configures the runner with, for bare Playwright's screenshots. */
const SCREENSHOT_QUALITY = 70;
/** Failed runs tolerated while sampling before the bench gives up. */
const MAX_FAILED_RUNS = 5;

const INSTRUCTION = 'the name and price of each product';
const PRODUCT_SHAPE: ExtractShape = {
  type: 'array',
  items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } },
};
/** The same shape for Stagehand's own extract, which takes zod. */
const ProductsSchema = z.array(z.object({ name: z.string(), price: z.number() }));

type Product = { name: string; price: number };
type StagehandRequest = Extract<ModelRequest, { kind: 'stagehand' }>;
/** What the bench drives runs through. */
type Bench = { server: TestServer; ui: UiClient; fake: FakeOpenAiServer; conversationId: string };
type TimedRun = { run: RunView; wallMs: number; requests: FakeRequest[] };

const median = (values: number[]) => percentile(values, 50);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const isFinal = (run: RunView) => ['succeeded', 'failed', 'cancelled'].includes(run.status);

const shopTask = (shopUrl: string): Step[] => [
  { type: 'goto', url: `${shopUrl}/shop` },
  { type: 'fill', target: { by: 'label', label: 'Search products' }, value: 'laptop' },
  { type: 'act', instruction: 'click the search button', safeToRetry: true },
  { type: 'extract', instruction: INSTRUCTION, shape: PRODUCT_SHAPE },
];

/** Starts a run and waits for it to end: wall time from the POST to the run's end on the UI socket, and the requests the model got meanwhile. */
async function timed(bench: Bench, start: () => Promise<{ status: number; body: any }>): Promise<TimedRun> {
  const from = bench.fake.received.length;
  const startedAt = performance.now();
  const created = await start();
  if (created.status !== 201) throw new Error(`starting a run answered ${created.status}: ${JSON.stringify(created.body)}`);
  const run = await bench.ui.waitForRun(created.body.run.id, isFinal, 180_000);
  return { run, wallMs: performance.now() - startedAt, requests: bench.fake.received.slice(from) };
}

function succeeded(sample: TimedRun): TimedRun {
  if (sample.run.status !== 'succeeded') throw new Error(`run ${sample.run.id} ${sample.run.status}: ${sample.run.error?.message}`);
  return sample;
}

/**
 * `count` runs from `start` that succeeded. A failed one is put in `failed`, to be reported (and
 * to fail the bench) rather than measured, so the figures still come out when a step is flaky.
 */
async function sampleRuns(count: number, start: () => Promise<TimedRun>, failed: TimedRun[]): Promise<TimedRun[]> {
  const samples: TimedRun[] = [];
  while (samples.length < count) {
    const sample = await start();
    if (sample.run.status === 'succeeded') samples.push(sample);
    else if (failed.push(sample) > MAX_FAILED_RUNS) throw new Error(`more than ${MAX_FAILED_RUNS} runs failed; the last: ${sample.run.error?.message}`);
  }
  return samples;
}

/** A new plan, so its first run goes through the model. */
const firstRun = (bench: Bench, steps: Step[]) => timed(bench, () => bench.server.api('/api/runs', { body: { steps, conversationId: bench.conversationId } }));
/** "Run again": replays what the plan's earlier run compiled to. */
const replay = (bench: Bench, planId: string) => timed(bench, () => bench.server.api(`/api/plans/${planId}/run`, { body: {} }));

/** The time the runner's AI steps waited for the model's answers. */
const modelWaitMs = (run: RunView) => run.steps.reduce((sum, step) => sum + (step.output?.modelMs ?? 0), 0);

/** The shop task in a bare Playwright script, in a fresh context as the runner's runs get; optionally a JPEG after each step, as the runner takes. */
async function barePlaywright(browser: Browser, shopUrl: string, screenshotEveryStep: boolean): Promise<{ wallMs: number; products: Product[] }> {
  const startedAt = performance.now();
  const context = await browser.newContext({ viewport: RUN_VIEWPORT });
  const page = await context.newPage();
  let products: Product[] = [];
  const actions = [
    () => page.goto(`${shopUrl}/shop`),
    () => page.getByLabel('Search products').fill('laptop'),
    () => Promise.all([page.waitForURL(/\/shop\/search/), page.getByRole('button', { name: 'Search' }).click()]),
    async () => (products = await readProducts(page)),
  ];
  for (const action of actions) {
    await action();
    if (screenshotEveryStep) await page.screenshot({ type: 'jpeg', quality: SCREENSHOT_QUALITY });
  }
  await context.close();
  return { wallMs: performance.now() - startedAt, products };
}

/** The results list read with locators, as a hand-written script would. */
async function readProducts(page: Page): Promise<Product[]> {
  const items = await page.locator('li.product').all();
  return Promise.all(
    items.map(async (item) => ({
      name: await item.locator('.name').innerText(),
      price: Number((await item.locator('.price').innerText()).replace(/[^\d.]/g, '')),
    })),
  );
}

/**
 * Runner-observed model wait minus the server's provider call, per model call, for the given
 * steps of a run. The provider's time is `model_calls.duration_ms` (the AI SDK call to the fake,
 * prompt building and redaction included); what is left is the bridge itself.
 */
async function bridgeOverheads(db: pg.Client, run: RunView, stepIndexes: number[]): Promise<{ overheadMs: number[]; providerMs: number[] }> {
  const { rows } = await db.query<{ step_index: number; calls: number; duration_ms: number }>(
    'SELECT step_index, count(*)::int AS calls, sum(duration_ms)::int AS duration_ms FROM model_calls WHERE run_id = $1 AND attempt = $2 GROUP BY step_index',
    [run.id, run.attempt],
  );
  const measured = rows.filter((row) => stepIndexes.includes(row.step_index));
  if (measured.length !== stepIndexes.length) throw new Error(`run ${run.id}: ${measured.length} of ${stepIndexes.length} steps have metered model calls`);
  return {
    overheadMs: measured.map((row) => (run.steps[row.step_index]!.output!.modelMs! - row.duration_ms) / row.calls),
    providerMs: measured.map((row) => row.duration_ms / row.calls),
  };
}

/** `count` laptops, named and priced the same on every run. */
function catalogue(count: number): Product[] {
  const lines = ['Aero', 'Forge', 'Breeze', 'Atlas', 'Pico', 'Summit', 'Drift', 'Tide', 'Halo', 'Nova'];
  return Array.from({ length: count }, (_unused, index) => ({
    name: `${lines[index % lines.length]} ${12 + (index % 6)} laptop, series ${Math.floor(index / lines.length) + 1}`,
    price: 399 + ((index * 137) % 1600),
  }));
}

/** The shop's results page with a long list (same markup and layout as the demo's), which the demo cannot show. */
async function startLongResultsPage(products: Product[]): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get('/results', (req, res) =>
    sendDemoPage(res, {
      base: req.baseUrl,
      title: 'Results for laptop',
      body: html`
<h1>Results for “laptop”</h1>
<form class="card search" method="get" action="/results">
  <label for="q">Search products</label>
  <input id="q" name="q" value="laptop">
  <button type="submit">Search</button>
</form>
<p class="muted">${products.length} products found. Page 1 of 1.</p>
<ul class="results">${products.map(
        (product, index) => html`<li class="product"><a class="name" href="/product/${index + 1}">${product.name}</a> <span class="price">${formatPrice(product.price)}</span></li>`,
      )}</ul>`,
    }),
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/results`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A prompt as sent: its system message, the text of all its messages, and the JSON Schema the answer must follow. */
type SentPrompt = { system: string; text: string; schema: unknown };

function sentToProvider(request: FakeRequest): SentPrompt {
  const messages: { role: string; content: unknown }[] = request.body.messages ?? [];
  const system = messages.flatMap((message) => (message.role === 'system' && typeof message.content === 'string' ? [message.content] : [])).join('\n');
  return { system, text: requestText(request), schema: request.body.response_format?.json_schema?.schema };
}

function sentByStagehand(request: StagehandRequest): SentPrompt {
  const system = request.messages.flatMap((message) => (message.role === 'system' ? [message.content] : [])).join('\n');
  return { system, text: promptText(request), schema: request.jsonSchema };
}
/** o200k tokens of the messages' text and the answer schema; the few tokens of chat framing per message are left out, on both sides. */
const promptTokens = (prompt: SentPrompt) => countTokens(prompt.text) + schemaTokens(prompt);
const schemaTokens = (prompt: SentPrompt) => (prompt.schema === undefined ? 0 : countTokens(JSON.stringify(prompt.schema)));

/** Tokens of the page as the prompt shows it: the text after `marker`, which ends the prompt in each of the requests measured. */
function pageTokens(prompt: SentPrompt, marker: string): number {
  const at = prompt.text.indexOf(marker);
  if (at < 0) throw new Error(`the prompt has no "${marker.trim()}"`);
  return countTokens(prompt.text.slice(at + marker.length));
}

function onlyRequest(requests: FakeRequest[], kind: ReturnType<typeof browserCallKind>): FakeRequest {
  const found = requests.filter((request) => browserCallKind(request) === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} request, the model got ${found.length}`);
  return found[0]!;
}

/** What Stagehand's extract call answers: the data, under `value` (Stagehand wraps a schema that is not an object). */
const extractAnswer = (data: Product[]) => ({ value: data });
/** Its second call asks whether the extraction is complete. */
const METADATA_ANSWER = { progress: 'read every product', completed: true };

/**
 * What Stagehand's own `extract(instruction, zodSchema)` sends the model for the page at `url`:
 * Stagehand attached to the browser as the runner attaches it (its `experimental` flag does not
 * change the snapshot in 3.7.3), its model a script that records the requests and answers the
 * extract call with `data` and the metadata call with "completed".
 */
async function stagehandExtractRequests(sessions: StagehandSessions, opened: OpenedBrowser, url: string, data: Product[]): Promise<StagehandRequest[]> {
  const page = await newRunPage(opened.browser);
  try {
    await page.goto(url);
    const isMetadataCall = (request: StagehandRequest) => Object.keys((request.jsonSchema?.['properties'] ?? {}) as object).includes('completed');
    const model = scriptedModel({ stagehand: (request) => stagehandAnswer(isMetadataCall(request) ? METADATA_ANSWER : extractAnswer(data)) });
    const signal = AbortSignal.timeout(60_000);
    const attached = await sessions.attach(page, signal);
    const stepModel = createStepModel({ callModel: model.callModel, ref: { runId: randomUUID(), attempt: 1, index: 0 }, signal });
    const extracted = await withStepModel(stepModel, () => attached.stagehand.extract(INSTRUCTION, ProductsSchema, { page: attached.page }));
    if (extracted.length !== data.length) throw new Error(`Stagehand's extract returned ${extracted.length} products, not ${data.length}`);
    return model.calls.map((call) => call.request as StagehandRequest);
  } finally {
    await page.context().close();
  }
}

/** Our extract-rule request for a page against Stagehand's extract on it: what each sends, and the least each must answer. */
function compareExtract(ours: FakeRequest, stagehand: StagehandRequest[], data: Product[]) {
  const rule = sentToProvider(ours);
  const [extractCall, ...rest] = stagehand.map(sentByStagehand);
  const stagehandTotal = [extractCall!, ...rest].reduce((sum, prompt) => sum + promptTokens(prompt), 0);
  return {
    prompts: {
      'ours: outline': pageTokens(rule, 'Page outline:\n'),
      'ours: request': promptTokens(rule),
      'Stagehand: a11y tree': pageTokens(extractCall!, '\nDOM: '),
      'Stagehand: extract call': promptTokens(extractCall!),
      [`Stagehand: all ${stagehand.length} calls`]: stagehandTotal,
      'Stagehand / ours': (stagehandTotal / promptTokens(rule)).toFixed(1),
    },
    answers: {
      'ours: the rule': countTokens(JSON.stringify({ rule: SHOP_PRODUCT_RULES.classic })),
      'Stagehand: the data': countTokens(JSON.stringify(extractAnswer(data))),
      'Stagehand: metadata': countTokens(JSON.stringify(METADATA_ANSWER)),
    },
    fixed: { ours: rule, stagehand: extractCall!, metadata: rest },
  };
}

/** 1. The shop task: first runs against replays against bare Playwright. Returns the first runs, which the other sections read. */
async function shopTaskSection(bench: Bench, browser: Browser, shopUrl: string): Promise<{ firsts: TimedRun[]; data: Product[] }> {
  const steps = shopTask(shopUrl);
  const failed: TimedRun[] = [];
  await sampleRuns(1, () => firstRun(bench, steps), failed); // warm-up: runner page, Stagehand's attachment, caches
  const firsts = await sampleRuns(ROUNDS, () => firstRun(bench, steps), failed);
  const planId = firsts.at(-1)!.run.planId;
  const replays = await sampleRuns(ROUNDS, () => replay(bench, planId), failed);

  await barePlaywright(browser, shopUrl, false); // warm-up
  const bare: number[] = [];
  const bareWithScreenshots: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    bare.push((await barePlaywright(browser, shopUrl, false)).wallMs);
    bareWithScreenshots.push((await barePlaywright(browser, shopUrl, true)).wallMs);
  }
  const data = firsts[0]!.run.steps[3]!.output!.data as Product[];
  const bareData = (await barePlaywright(browser, shopUrl, false)).products;
  if (JSON.stringify(bareData) !== JSON.stringify(data)) throw new Error(`bare Playwright read ${JSON.stringify(bareData)}, skipper ${JSON.stringify(data)}`);

  const bareMs = median(bare);
  const bareShotsMs = median(bareWithScreenshots);
  const row = (samples: TimedRun[]) => {
    const wallMs = median(samples.map((sample) => sample.wallMs));
    return {
      'wall (median)': ms(wallMs),
      'model calls, each run': samples.map((sample) => sample.requests.length).join(' '),
      'runner waited for model': ms(median(samples.map((sample) => modelWaitMs(sample.run)))),
      'x bare': (wallMs / bareMs).toFixed(2),
      'x bare + screenshots': (wallMs / bareShotsMs).toFixed(2),
    };
  };
  console.log(`1. Shop task (goto, fill, act, extract ${data.length} products), median of ${ROUNDS} runs after a warm-up; wall = POST -> run end on the UI socket`);
  console.table({
    'skipper, first run (through the model)': row(firsts),
    'skipper, replayed run (compiled)': row(replays),
    'bare Playwright': { 'wall (median)': ms(bareMs), 'x bare': '1.00', 'x bare + screenshots': (bareMs / bareShotsMs).toFixed(2) },
    'bare Playwright, JPEG after every step': { 'wall (median)': ms(bareShotsMs), 'x bare': (bareShotsMs / bareMs).toFixed(2), 'x bare + screenshots': '1.00' },
  });
  console.log('Bare Playwright opens a fresh context per run; the runner keeps one ready, so its runs skip that.');
  for (const sample of failed) console.log(`FAILED, not measured: run ${sample.run.id} ${sample.run.status}: ${sample.run.error?.message}`);
  const replaySources = replays.flatMap((sample) => sample.run.steps.slice(2).map((step) => step.output?.resolution?.source));
  const replayCalls = replays.reduce((sum, sample) => sum + sample.requests.length, 0);
  if (replayCalls > 0 || replaySources.some((source) => source !== 'replayed')) {
    console.log(`FAILED: replayed runs made ${replayCalls} model calls; their AI steps resolved as ${replaySources.join(', ')}`);
  }
  if (failed.length > 0 || replayCalls > 0) process.exitCode = 1;
  return { firsts, data };
}

/** 2. The bridge round trip, the model's time excluded: a plan of extract steps, and the act calls of section 1. */
async function bridgeSection(bench: Bench, db: pg.Client, resultsUrl: string, firsts: TimedRun[]): Promise<void> {
  const extracts = Array.from({ length: BRIDGE_STEPS }, (): Step => ({ type: 'extract', instruction: INSTRUCTION, shape: PRODUCT_SHAPE }));
  const bridgeRun = succeeded(await firstRun(bench, [{ type: 'goto', url: resultsUrl }, ...extracts]));
  const extractCalls = await bridgeOverheads(db, bridgeRun.run, extracts.map((_step, index) => index + 1));
  const actCalls = { overheadMs: [] as number[], providerMs: [] as number[] };
  for (const sample of firsts) {
    const measured = await bridgeOverheads(db, sample.run, [2]);
    actCalls.overheadMs.push(...measured.overheadMs);
    actCalls.providerMs.push(...measured.providerMs);
  }
  const row = ({ overheadMs, providerMs }: typeof actCalls) => ({
    calls: overheadMs.length,
    'bridge: median': ms(median(overheadMs)),
    'bridge: p95': ms(percentile(overheadMs, 95)),
    'provider call (median, excluded)': ms(median(providerMs)),
  });
  console.log('\n2. Model bridge per call, the provider excluded: runner-observed wait (step modelMs) - server provider call (model_calls.duration_ms)');
  console.table({
    [`extract-rule calls (${BRIDGE_STEPS} extract steps on the results page)`]: row(extractCalls),
    'act calls (Stagehand, first runs of section 1)': row(actCalls),
  });
  console.log(
    "That is the runner socket both ways and the server's bookkeeping around the call: the held-run check, the plan lookup\n" +
      '(for its secrets), the budget check and the metering insert in PostgreSQL (fsync on); redaction and prompt building are\n' +
      "inside the provider call. Model calls skip the queue of the runner's events, but still share PostgreSQL with the\n" +
      "previous step's step-end and screenshot writes, which an extract's call follows by a few ms. Both figures are whole\n" +
      "milliseconds: +-1 ms a sample.",
  );
}

/** 3. Prompt tokens: our extract-rule request (sent on a first run) against Stagehand's extract (sent on every run), on two pages. */
async function tokensSection(bench: Bench, opened: OpenedBrowser, sessions: StagehandSessions, pages: { resultsUrl: string; longUrl: string; firsts: TimedRun[]; shopData: Product[] }) {
  const { resultsUrl, longUrl, shopData } = pages;
  const firstRequests = pages.firsts.at(-1)!.requests;
  const longRun = succeeded(await firstRun(bench, [{ type: 'goto', url: longUrl }, { type: 'extract', instruction: INSTRUCTION, shape: PRODUCT_SHAPE }]));
  const longData = longRun.run.steps[1]!.output!.data as Product[];
  if (longData.length !== LONG_LIST) throw new Error(`skipper read ${longData.length} products of the long list, not ${LONG_LIST}`);
  const shopName = `shop results (${shopData.length} products)`;
  const longName = `long results (${LONG_LIST} products)`;
  const shop = compareExtract(onlyRequest(firstRequests, 'extract-rule'), await stagehandExtractRequests(sessions, opened, resultsUrl, shopData), shopData);
  const long = compareExtract(onlyRequest(longRun.requests, 'extract-rule'), await stagehandExtractRequests(sessions, opened, longUrl, longData), longData);

  const { ours, stagehand, metadata } = shop.fixed;
  console.log('\n3. Prompt tokens per extract step (o200k: the text of every message + the answer schema, without chat framing)');
  console.table({ [shopName]: shop.prompts, [longName]: long.prompts });
  console.log(
    `Fixed parts: ours ${countTokens(ours.system)} (prompts/extract-rule.md) + ${schemaTokens(ours)} (answer schema: the rule); ` +
      `Stagehand's extract ${countTokens(stagehand.system)} (system) + ${schemaTokens(stagehand)} (schema), ` +
      `then a metadata call of ${metadata.reduce((sum, prompt) => sum + promptTokens(prompt), 0)} on the shop page, which quotes the data back.\n` +
      "Our outline lists 5 of a run of alike siblings and counts the rest; Stagehand's tree lists every one.\n" +
      "Ours is sent on a plan's first run (and when a step heals); a replay sends nothing. Stagehand sends its calls on every run.",
  );
  console.log('Least the model must answer (output tokens):');
  console.table({ [shopName]: shop.answers, [longName]: long.answers });
  const act = sentToProvider(onlyRequest(firstRequests, 'act'));
  console.log(
    "The act request on /shop (Stagehand's act: system prompt, instruction, accessibility tree, answer schema): " +
      `${promptTokens(act)} tokens, ${pageTokens(act, 'Accessibility Tree: \n')} of them the tree.`,
  );
}

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
const [fake, shop, longPage] = await Promise.all([startFakeOpenAiServer(), startFixtureShop(), startLongResultsPage(catalogue(LONG_LIST))]);
fake.respond(shopBrowserModel);
// A failed run is reported, not repaired: a repair asks the planner and runs again, amid the measurements.
const server = await startTestServer({ database: { url: postgres.url, drop: async () => {} }, llm: testLlmConfig(fake.baseUrl, { repairMaxAttempts: 0 }) });
const runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'bench-ai' });
const ui = await connectUi(server.baseUrl);
// Queried directly: the provider's time per call is in no API.
const db = new pg.Client({ connectionString: postgres.url });
await db.connect();
// The bench's own browser, for bare Playwright and for Stagehand's own extract.
const opened = await openTestBrowser();
const sessions = createStagehandSessions({ currentBrowser: async () => opened });

try {
  const { body } = await server.api('/api/conversations', { body: { title: 'bench: AI steps' } });
  await ui.subscribe(body.conversation.id);
  const bench: Bench = { server, ui, fake, conversationId: body.conversation.id };
  console.log(`AI steps through skipper, ${new Date().toISOString()}. The model is a local fake that answers at once,`);
  console.log('so first-run times leave out real model latency (typically 1-5 s per call).\n');
  const resultsUrl = `${shop.url}/shop/search?q=laptop`;
  const { firsts, data } = await shopTaskSection(bench, opened.browser, shop.url);
  await bridgeSection(bench, db, resultsUrl, firsts);
  await tokensSection(bench, opened, sessions, { resultsUrl, longUrl: longPage.url, firsts, shopData: data });
} finally {
  await sessions.close();
  await opened.browser.close();
  ui.close();
  await runner.stop();
  await server.stop();
  await db.end();
  await Promise.all([fake.close(), shop.close(), longPage.close()]);
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
