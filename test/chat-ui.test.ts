import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../agent-runner/testing.ts';
import type { ChatMessage, ChatMessagePart } from '../protocol/index.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// The chat UI in real Chromium, against the real server, runner and database.

describe('the chat UI', () => {
  let uiDir: string;
  let server: TestServer;
  let runner: RunnerProcess;
  let browser: Browser;

  beforeAll(async () => {
    uiDir = await mkdtemp(join(tmpdir(), 'skipper-ui-'));
    await build({
      configFile: fileURLToPath(new URL('../chat-ui/vite.config.ts', import.meta.url)),
      build: { outDir: uiDir, emptyOutDir: true },
      logLevel: 'error',
    });
    server = await startTestServer({ uiDir });
    [runner, browser] = await Promise.all([
      startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'ui-runner' }),
      launchTestBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
    await rm(uiDir, { recursive: true, force: true });
  });

  /** Marks the page so the test can tell it was never reloaded. */
  async function openLive(page: Page, path: string) {
    await page.goto(`${server.baseUrl}${path}`);
    await page.locator('[data-testid=connection-status][data-state=live]').waitFor();
    await page.evaluate(() => Object.assign(window, { __notReloaded: true }));
  }

  async function expectScreenshotsLoaded(page: Page, count: number) {
    const images = page.getByTestId('step-screenshot');
    await expect.poll(() => images.count()).toBe(count);
    for (const image of await images.all()) {
      // Thumbnails load lazily, once scrolled into view.
      await image.evaluate((element) => element.scrollIntoView({ block: 'center' }));
      await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(1280);
    }
  }

  it('shows the plan, live step progress and screenshots in every tab, and keeps them after a reload', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    const path = `/c/${body.conversation.id}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const [first, second] = [await context.newPage(), await context.newPage()];
    await openLive(first, path);
    await openLive(second, path);

    const task =
      `go to ${server.baseUrl}/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", ` +
      `click "Sign in", then take a screenshot`;
    await first.getByTestId('composer-input').fill(task);
    await first.getByTestId('composer-send').click();

    for (const page of [first, second]) {
      const card = page.getByTestId('run-card');
      await card.waitFor();
      await expect.poll(() => card.getByTestId('step').count()).toBe(5);
      await expect(card.getByTestId('step').first().textContent()).resolves.toContain('Go to');
      await page.locator('[data-testid=run-card][data-status=succeeded]').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('[data-testid=step][data-status=succeeded]').count()).toBe(5);
      await expectScreenshotsLoaded(page, 5);
      await page.getByText('Done: all 5 steps succeeded').first().waitFor();
      // Everything above arrived over the socket: the page was never reloaded.
      expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    }
    expect(await first.getByTestId('composer-input').inputValue()).toBe('');

    await first.reload();
    await first.locator('[data-testid=run-card][data-status=succeeded]').waitFor();
    await expect.poll(() => first.locator('[data-testid=message][data-role=user]').textContent()).toContain('alice@example.com');
    await expectScreenshotsLoaded(first, 5);

    // A thumbnail opens full size and Escape closes it.
    await first.getByTestId('step-screenshot').first().click();
    const dialog = first.getByRole('dialog');
    await dialog.waitFor();
    await first.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await context.close();
  });

  it('reconnects after the server restarts and shows what happened meanwhile, without a reload', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    const page = await browser.newPage();
    await openLive(page, `/c/${body.conversation.id}`);
    await page.getByTestId('composer-input').fill(`go to ${server.baseUrl}/demo/login, wait 3 seconds, then take a screenshot`);
    await page.getByTestId('composer-send').click();
    await page.locator('[data-testid=step][data-index="1"][data-status=running]').waitFor();

    // The server goes away mid-run and comes back on the same port and database.
    const port = Number(new URL(server.baseUrl).port);
    await server.stop();
    await page.locator('[data-testid=connection-status][data-state=reconnecting]').waitFor();
    server = await startTestServer({ database: server.database, uiDir, port, token: server.token });

    // The runner reconnects by itself and carries on with the same attempt; the page catches up on its own.
    await page.locator('[data-testid=connection-status][data-state=live]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=run-card][data-status=succeeded]').waitFor({ timeout: 30_000 });
    const { body: detail } = await server.api(`/api/conversations/${body.conversation.id}`);
    const run = detail.messages.flatMap((message: ChatMessage) => message.parts).find((part: ChatMessagePart) => part.type === 'data-run').data;
    expect(run).toMatchObject({ status: 'succeeded', attempt: 1, earlierAttempts: [] });
    expect(await page.getByTestId('run-card').textContent()).not.toContain('Attempt');
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    await page.close();
  }, 90_000);

  it('starts a conversation from the start page and answers what it cannot do with help', async () => {
    const page = await browser.newPage();
    await openLive(page, '/');
    await page.getByTestId('composer-input').fill('find me the cheapest flight to Lisbon');
    await page.getByTestId('composer-send').click();
    await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    const reply = page.locator('[data-testid=message][data-role=assistant]');
    await expect.poll(() => reply.textContent()).toContain('needs a language model');
    expect(await reply.textContent()).toContain(`go to ${server.baseUrl}/demo/login`);
    await page.close();
  });
});
