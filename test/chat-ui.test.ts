import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../agent-runner/testing.ts';
import type { ChatMessage, ChatMessagePart, Step } from '../protocol/index.ts';
import { decideLostAttempt } from '../server/runs/lost-attempt-policy.ts';
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

  async function expectScreenshotsLoaded(page: Page | Locator, count: number) {
    const images = page.getByTestId('step-screenshot');
    await expect.poll(() => images.count()).toBe(count);
    for (const image of await images.all()) {
      // Thumbnails load lazily, once scrolled into view.
      await image.evaluate((element) => element.scrollIntoView({ block: 'center' }));
      await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(1280);
    }
  }

  async function createConversation(body: { title?: string } = {}): Promise<string> {
    const created = await server.api('/api/conversations', { body });
    expect(created.status).toBe(201);
    return created.body.conversation.id;
  }

  async function createRun(steps: Step[], conversationId: string): Promise<string> {
    const created = await server.api('/api/runs', { body: { steps, conversationId } });
    expect(created.status).toBe(201);
    return created.body.run.id;
  }

  /**
   * Plays a runner that claims the queued runs, which must be `runIds` in that order: in each it
   * finishes step 1 with a screenshot and starts step 2, then it disconnects for good. The
   * server's own policy decides whether each run is queued again.
   */
  async function loseRunnerInStep2(runIds: string[], screenshot: Uint8Array) {
    const { queue } = server.store;
    const runnerId = randomUUID();
    const leaseMs = 30_000;
    for (const runId of runIds) {
      const claim = await queue.claimNext({ runnerId, leaseMs, maxDurationMs: 60_000 });
      expect(claim?.runId).toBe(runId);
      const holder = { runnerId, runId, attempt: claim!.attempt };
      await queue.stepStarted({ ...holder, seq: 1, index: 0, leaseMs });
      await queue.stepEnded({ ...holder, seq: 2, index: 0, status: 'succeeded', durationMs: 150, leaseMs });
      await queue.screenshotTaken({ ...holder, seq: 3, index: 0, mimeType: 'image/jpeg', bytes: screenshot });
      await queue.stepStarted({ ...holder, seq: 4, index: 1, leaseMs });
    }
    // The leases end now rather than after the grace time, and the test takes the runs back rather than waiting for the sweeper.
    await queue.release({ runnerId, graceMs: 0 });
    await queue.reclaim({ decide: (lost) => decideLostAttempt(lost, { reconnectGraceMs: 1_000, maxDurationMs: 60_000 }) });
  }

  const stepStatuses = (scope: Locator) => scope.getByTestId('step').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.status));

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
    // Help points its examples at this skipper's own demo site.
    expect(await reply.textContent()).toContain(`go to ${server.baseUrl.replace('127.0.0.1', 'localhost')}/demo/login`);
    await page.close();
  });

  it('runs a plan again from its card, and the new run succeeds', async () => {
    const conversationId = await createConversation();
    await createRun([{ type: 'goto', url: `${server.baseUrl}/demo/login` }, { type: 'assert', text: 'Sign in' }], conversationId);
    const page = await browser.newPage();
    await openLive(page, `/c/${conversationId}`);
    await page.locator('[data-testid=run-card][data-status=succeeded]').waitFor({ timeout: 30_000 });

    await page.getByRole('button', { name: 'Run again' }).click();
    const again = page.getByTestId('message').filter({ hasText: 'Running this plan again: 2 steps.' });
    await again.locator('[data-testid=run-card][data-status=succeeded]').waitFor({ timeout: 30_000 });
    expect(await stepStatuses(again)).toEqual(['succeeded', 'succeeded']);
    expect(await page.getByTestId('run-card').count()).toBe(2);
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);

    // With as many runs waiting as a person may have, the server refuses, and the card says why.
    const backlog = await createConversation();
    let status = 201;
    while (status === 201) status = (await server.api('/api/runs', { body: { steps: [{ type: 'wait', ms: 60_000 }], conversationId: backlog } })).status;
    expect(status).toBe(429);
    const first = page.getByTestId('run-card').first();
    await first.getByRole('button', { name: 'Run again' }).click();
    await expect.poll(() => first.getByRole('alert').textContent()).toContain('runs waiting, the most allowed at once');
    expect(await page.getByTestId('run-card').count()).toBe(2);
    // Deleting their conversation stops them all.
    expect((await server.api(`/api/conversations/${backlog}`, { method: 'DELETE' })).status).toBe(204);
    await page.close();
  });

  it('shows an earlier attempt whose runner was lost, and a run not retried with its reason and Run again', async () => {
    const page = await browser.newPage();
    const screenshot = await page.screenshot({ type: 'jpeg' });
    // The runner is kept busy, so the runs below stay queued until this test plays the runner that loses them.
    const busy = await createRun([{ type: 'wait', ms: 60_000 }], await createConversation());
    await expect.poll(async () => (await server.api(`/api/runs/${busy}`)).body.run.status, { timeout: 20_000 }).toBe('running');
    const conversationId = await createConversation();
    const login = { type: 'goto', url: `${server.baseUrl}/demo/login` } as const;
    const retried = await createRun([login, { type: 'assert', text: 'Sign in' }, { type: 'screenshot' }], conversationId);
    const notRetried = await createRun([login, { type: 'click', target: 'Sign in' }], conversationId);
    await loseRunnerInStep2([retried, notRetried], screenshot);

    await openLive(page, `/c/${conversationId}`);
    const [retriedCard, notRetriedCard] = [page.getByTestId('run-card').nth(0), page.getByTestId('run-card').nth(1)];
    const toggle = retriedCard.getByRole('button', { name: 'Attempt 1 of 2: the runner was lost at step 2' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await retriedCard.textContent()).toContain('Attempt 2 of 2: the run was queued again after attempt 1 lost its runner.');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    const earlier = retriedCard.getByTestId('earlier-attempt');
    expect(await stepStatuses(earlier)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(await earlier.textContent()).toContain('disconnected');
    await expectScreenshotsLoaded(earlier, 1);

    expect(await notRetriedCard.getAttribute('data-status')).toBe('failed');
    expect(await notRetriedCard.getByRole('alert').textContent()).toContain('It was not retried automatically because step 2 (Click "Sign in")');
    await notRetriedCard.getByRole('button', { name: 'Run again' }).waitFor();

    // Freed, the runner takes the run back up: attempt 2 succeeds, and attempt 1 stays listed.
    expect((await server.api(`/api/runs/${busy}/cancel`, { method: 'POST' })).status).toBe(200);
    await page.locator('[data-testid=run-card][data-status=succeeded]').waitFor({ timeout: 30_000 });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await stepStatuses(retriedCard)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    await page.close();
  });

  it('deletes a conversation from one tab; the other tab says so, and both sidebars drop it', async () => {
    const title = `Trip notes ${randomUUID().slice(0, 8)}`;
    const conversationId = await createConversation({ title });
    const context = await browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    const listed = (page: Page) => page.getByRole('navigation', { name: 'Conversations' }).getByText(title);
    for (const page of [first, second]) {
      await openLive(page, `/c/${conversationId}`);
      await listed(page).waitFor();
    }

    // A background tab gets no animation frames, which clicks wait for.
    await first.bringToFront();
    await first.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = first.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe(`Delete “${title}”?`);
    await dialog.getByRole('button', { name: 'Delete conversation' }).click();
    await first.waitForURL(`${server.baseUrl}/`);
    await listed(first).waitFor({ state: 'detached' });

    await second.getByText('This conversation was deleted.').waitFor();
    await listed(second).waitFor({ state: 'detached' });
    expect((await server.api(`/api/conversations/${conversationId}`)).status).toBe(404);
    await context.close();
  });

  it('shows the newest 50 messages of a long conversation and loads older ones, in order, when scrolled to the top', async () => {
    const conversationId = await createConversation();
    // Each note gets a reply: 60 messages.
    const notes = Array.from({ length: 30 }, (_, index) => `note ${String(index + 1).padStart(2, '0')}`);
    for (const text of notes) expect((await server.api(`/api/conversations/${conversationId}/messages`, { body: { text } })).status).toBe(201);
    const page = await browser.newPage();
    await openLive(page, `/c/${conversationId}`);
    const messages = page.getByTestId('message');
    const notesShown = () => page.locator('[data-testid=message][data-role=user] .message-text').allTextContents();
    await expect.poll(() => messages.count()).toBe(50);
    expect(await notesShown()).toEqual(notes.slice(5));

    // The thread opens at its end. At the top, the oldest message shown must stay where it is while older ones come in above it.
    const oldestShown = page.locator('[data-testid=message][data-role=user]').filter({ hasText: 'note 06' });
    const topBefore = await oldestShown.evaluate((message) => {
      message.closest('.thread-scroller')!.scrollTop = 0;
      return message.getBoundingClientRect().top;
    });
    await expect.poll(() => messages.count()).toBe(60);
    expect(await notesShown()).toEqual(notes);
    await page.getByRole('button', { name: 'Show older messages' }).waitFor({ state: 'detached' });
    const topAfter = await oldestShown.evaluate((message) => message.getBoundingClientRect().top);
    expect(Math.abs(topAfter - topBefore)).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('lists conversations a page at a time', async () => {
    for (let index = 1; index <= 51; index += 1) await createConversation({ title: `Paged ${index}` });
    const total = (await server.api('/api/conversations?limit=100')).body.conversations.length;
    const page = await browser.newPage();
    await openLive(page, '/');
    const links = page.getByRole('navigation', { name: 'Conversations' }).getByRole('link');
    await expect.poll(() => links.count()).toBe(50);

    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => links.count()).toBe(total);
    const paths = await links.evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    expect(new Set(paths).size).toBe(total);
    await page.getByRole('button', { name: 'Show more' }).waitFor({ state: 'detached' });
    await page.close();
  });
});
