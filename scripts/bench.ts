// `npm run bench`: the login task through skipper (API -> queue -> runner -> Chromium -> events)
// against the same steps in a bare Playwright script on the same machine. Prints medians of 5.
// Each run through skipper starts half a second after the last ended, so the runner is warm and idle.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openBrowser } from '../agent-runner/browser/open-browser.ts';
import type { RunView } from '../protocol/index.ts';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { startRunnerProcess } from '../test/harness/runner-process.ts';
import { startTestServer } from '../test/harness/test-server.ts';
import { connectUi } from '../test/harness/ui-client.ts';

const ROUNDS = 5;
const VIEWPORT = { width: 1280, height: 800 };
const QUALITY = 70;
const IDLE_BETWEEN_RUNS_MS = 500;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({
  dataDir: join(parent, 'pg'),
  password: randomBytes(12).toString('hex'),
  persistent: false,
});
const server = await startTestServer({ database: { url: postgres.url, drop: async () => {} } });
const runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'bench' });
const ui = await connectUi(server.baseUrl);
const { body } = await server.api('/api/conversations', { body: { title: 'bench' } });
await ui.subscribe(body.conversation.id);

const loginUrl = `${server.baseUrl}/demo/login`;
const prompt = `go to ${loginUrl}, type "alice@example.com" into "Email", type "secret" into "Password", click "Sign in", then take a screenshot`;

async function throughSkipper() {
  const startedAt = performance.now();
  const created = await server.api('/api/runs', { body: { prompt, conversationId: body.conversation.id } });
  if (created.status !== 201) throw new Error(`POST /api/runs answered ${created.status}`);
  const runId = created.body.run.id as string;
  await ui.waitForRun(runId, (run) => run.steps[0]?.status !== 'pending');
  const firstStepAt = performance.now();
  const run: RunView = await ui.waitForRun(runId, (candidate) => ['succeeded', 'failed', 'cancelled'].includes(candidate.status));
  if (run.status !== 'succeeded') throw new Error(`run ${runId} ${run.status}: ${run.error?.message}`);
  return {
    total: performance.now() - startedAt,
    toFirstStep: firstStepAt - startedAt,
    screenshotBytes: run.steps.map((step) => step.screenshot?.bytes ?? 0),
  };
}

async function barePlaywright(browser: Browser, screenshotEveryStep: boolean) {
  const startedAt = performance.now();
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const picture = (candidate: Page) => candidate.screenshot({ type: 'jpeg', quality: QUALITY });
  const actions = [
    () => page.goto(loginUrl),
    () => page.getByLabel('Email').fill('alice@example.com'),
    () => page.getByLabel('Password').fill('secret'),
    // Like the runner, let the navigation the click starts finish before the next picture.
    () => page.getByRole('button', { name: 'Sign in' }).click().then(() => page.waitForLoadState('load')),
  ];
  for (const action of actions) {
    await action();
    if (screenshotEveryStep) await picture(page);
  }
  await picture(page);
  await context.close();
  return performance.now() - startedAt;
}

try {
  await throughSkipper(); // warm-up: runner, browser and database caches
  const skipper = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Half a second between tasks, as between two a person posts: the runner has its spare page ready.
    await setTimeout(IDLE_BETWEEN_RUNS_MS);
    skipper.push(await throughSkipper());
  }

  const browser = await openBrowser();
  await barePlaywright(browser, false);
  const bare = [];
  const bareWithScreenshots = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await barePlaywright(browser, false));
    bareWithScreenshots.push(await barePlaywright(browser, true));
  }
  await browser.close();

  const skipperTotal = median(skipper.map((sample) => sample.total));
  const bareTotal = median(bare);
  const bareShotsTotal = median(bareWithScreenshots);
  const sizes = skipper.flatMap((sample) => sample.screenshotBytes);
  console.log(`Login task (5 steps), median of ${ROUNDS} after a warm-up, skipper's runs ${IDLE_BETWEEN_RUNS_MS} ms apart, ${new Date().toISOString()}`);
  console.table({
    'skipper: POST /api/runs -> run succeeded': { median: ms(skipperTotal), ratio: (skipperTotal / bareTotal).toFixed(2) },
    'bare Playwright, one screenshot': { median: ms(bareTotal), ratio: '1.00' },
    'bare Playwright, screenshot after every step': { median: ms(bareShotsTotal), ratio: (bareShotsTotal / bareTotal).toFixed(2) },
  });
  console.log(`skipper / bare Playwright with the same screenshots: ${(skipperTotal / bareShotsTotal).toFixed(2)}`);
  console.log(`POST /api/runs -> first step running (warm runner): median ${ms(median(skipper.map((sample) => sample.toFirstStep)))}`);
  console.log(
    `Screenshot JPEG ${VIEWPORT.width}x${VIEWPORT.height} q${QUALITY}: median ${(median(sizes) / 1024).toFixed(1)} KiB, ` +
      `min ${(Math.min(...sizes) / 1024).toFixed(1)} KiB, max ${(Math.max(...sizes) / 1024).toFixed(1)} KiB`,
  );
} finally {
  ui.close();
  await runner.stop();
  await server.stop();
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
