import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../agent-runner/testing.ts';
import type { ScheduleView } from '../protocol/index.ts';
import { formatZonedTime } from '../chat-ui/src/schedule-time.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// The Schedules page in real Chromium, against the real server, runner and database.

/** The person's zone and language in these tests: times on the page are checked against them. */
const timeZone = 'Europe/Berlin';
const locale = 'en-US';

describe('the Schedules page', () => {
  let uiDir: string;
  let server: TestServer;
  let runner: RunnerProcess;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    uiDir = await mkdtemp(join(tmpdir(), 'skipper-ui-'));
    await build({
      configFile: fileURLToPath(new URL('../chat-ui/vite.config.ts', import.meta.url)),
      build: { outDir: uiDir, emptyOutDir: true },
      logLevel: 'error',
    });
    server = await startTestServer(serverOptions());
    [runner, browser] = await Promise.all([
      startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'schedules-ui-runner' }),
      launchTestBrowser(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: timeZone, locale });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await runner?.stop();
    await server?.stop();
    await server?.database.drop();
    await rm(uiDir, { recursive: true, force: true });
  });

  async function readSchedule(id: string): Promise<{ status: number; schedule?: ScheduleView }> {
    const { status, body } = await server.api(`/api/schedules/${id}`);
    return { status, schedule: body?.schedule };
  }

  /** Schedules at most every minute, like production, so "every 10 seconds" is refused; few per person, so the limit is met quickly. */
  const serverOptions = () => ({ uiDir, scheduleMinIntervalMs: 60_000, scheduleMaxPerUser: 5 });

  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);

  it('answers the schedules API', async () => {
    const { status, body } = await server.api('/api/schedules');
    expect(status).toBe(200);
    expect(body.schedules).toEqual([]);
  });

  it('creates a schedule from a task, lists it with its next run, pauses it, runs it now and deletes it', async () => {
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid=connection-status][data-state=live]').waitFor();

    // The sidebar's link, from the keyboard.
    const link = page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Schedules' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.baseUrl}/schedules`);
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Schedules');
    await page.getByTestId('schedules-empty').waitFor();
    expect(await page.getByTestId('schedules-time-zone').textContent()).toBe(timeZone);
    // No message box on this page.
    expect(await page.getByTestId('composer-input').count()).toBe(0);

    // What the server refuses (a time it cannot read, too often, an unknown zone) is said next to When, keeping what was typed.
    const form = page.getByTestId('schedule-create-form');
    const task = `go to ${server.baseUrl}/demo/login, then take a screenshot`;
    await form.getByLabel('Task').fill(task);
    await form.getByLabel('Name').fill('Login page check');
    const whenProblem = form.locator('[data-field=when] .field-error');
    for (const [when, said] of [
      ['every blue moon', 'I could not read "every blue moon" as a time'],
      ['every 10 seconds', 'is too often'],
      ['every day at 9:00 Mars/Olympus', '"Mars/Olympus" is not a time zone I know'],
    ] as const) {
      await form.getByLabel('When').fill(when);
      // Changing the field clears what was said about it.
      await whenProblem.waitFor({ state: 'detached' });
      await form.getByRole('button', { name: 'Create schedule' }).click();
      await whenProblem.waitFor();
      expect(await whenProblem.textContent()).toContain(said);
      expect(await form.getByLabel('When').getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('when');
      expect(await form.getByLabel('When').inputValue()).toBe(when);
      expect(await form.getByLabel('Task').inputValue()).toBe(task);
      expect(await form.getByLabel('Name').inputValue()).toBe('Login page check');
    }
    expect((await server.api('/api/schedules')).body.schedules).toEqual([]);

    // A task skipper cannot turn into steps is refused next to Task, with what it can follow.
    await form.getByLabel('Task').fill('fly me to the moon');
    await form.getByLabel('When').fill('every day at 9:00');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const taskProblem = form.locator('[data-field=prompt] .field-error');
    await taskProblem.waitFor();
    expect(await taskProblem.textContent()).toContain('fly me to the moon');
    await form.locator('[data-field=prompt]').getByText('What skipper can follow').waitFor();
    await form.getByLabel('Task').fill(task);
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const created = page.getByTestId('schedule').filter({ hasText: 'Login page check' });
    await created.waitFor({ timeout: 60_000 });
    // Focus goes to the new schedule; the form is empty again.
    await expect.poll(() => focusedText(page)).toBe('Login page check');
    expect(await form.getByLabel('Task').inputValue()).toBe('');
    const id = (await created.getAttribute('data-id'))!;
    const card = page.locator(`[data-testid=schedule][data-id="${id}"]`);

    // Listed with when it runs, as written, and its next run in the person's zone (read in that zone by the server too).
    const { schedule } = await readSchedule(id);
    expect(schedule).toMatchObject({ name: 'Login page check', when: 'every day at 9:00', status: 'active' });
    expect(schedule!.spec).toMatchObject({ kind: 'cron', timezone: timeZone });
    expect(schedule!.nextRunAt).not.toBeNull();
    expect(await card.getAttribute('data-status')).toBe('active');
    expect(await card.getByTestId('schedule-when').textContent()).toBe('every day at 9:00');
    const nextRun = card.getByTestId('schedule-next-run');
    expect(await nextRun.textContent()).toContain(formatZonedTime(schedule!.nextRunAt!, { timeZone, locale }));
    expect(await nextRun.textContent()).toContain('9:00 AM GMT+1');
    expect(await card.getByTestId('schedule-last-run').textContent()).toBe('No runs yet.');

    // Pause: the status says so, here and on the server, and focus stays on the button, now Resume.
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('paused');
    expect(await card.getByTestId('schedule-status').textContent()).toBe('Paused');
    expect(await nextRun.textContent()).toBe('None while paused');
    expect((await readSchedule(id)).schedule?.status).toBe('paused');
    expect(await focusedText(page)).toMatch(/^Resume/);

    // Run now: its history opens and lists the run, which the runner carries out.
    await card.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(`${server.baseUrl}/schedules/${id}`);
    const history = card.getByTestId('schedule-history');
    const run = history.getByTestId('schedule-run');
    await run.first().waitFor({ timeout: 15_000 });
    expect(await run.first().textContent()).toContain('Run now');
    await history.locator('[data-testid=schedule-run][data-status=succeeded]').waitFor({ timeout: 30_000 });
    expect(await run.count()).toBe(1);
    // The card's last result follows, with a thumbnail of the run's last screenshot.
    await expect.poll(() => card.getByTestId('schedule-last-run').getAttribute('data-status')).toBe('succeeded');
    const thumbnail = card.getByTestId('schedule-screenshot');
    await thumbnail.scrollIntoViewIfNeeded();
    await expect.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(0);
    expect(await thumbnail.getAttribute('alt')).toContain('Login page check');
    expect(await thumbnail.getAttribute('loading')).toBe('lazy');

    // Edit: a time the server refuses is said next to When and nothing typed is lost; a new name is saved.
    await card.getByRole('button', { name: 'Edit' }).click();
    const editor = card.getByTestId('schedule-edit-form');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('when');
    await editor.getByLabel('When').fill('0 99 * * *');
    await editor.getByLabel('Name').fill('Login check, daily');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.locator('[data-field=when] .field-error').waitFor();
    expect(await editor.getByLabel('When').inputValue()).toBe('0 99 * * *');
    expect(await editor.getByLabel('Name').inputValue()).toBe('Login check, daily');
    expect((await readSchedule(id)).schedule?.name).toBe('Login page check');
    await editor.getByLabel('When').fill('every day at 9:00');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    await card.getByRole('heading', { name: 'Login check, daily' }).waitFor();
    expect((await readSchedule(id)).schedule?.name).toBe('Login check, daily');
    expect(await focusedText(page)).toMatch(/^Edit/);

    // Delete, after a confirmation whose Cancel has focus.
    await card.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Delete the schedule “Login check, daily”?');
    expect(await focusedText(page)).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Delete schedule' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByTestId('schedules-empty').waitFor();
    await page.waitForURL(`${server.baseUrl}/schedules`);
    expect((await readSchedule(id)).status).toBe(404);
    await page.close();
  }, 120_000);

  it('says so above the buttons when there are as many schedules as allowed, keeping the form as it was', async () => {
    const ids: string[] = [];
    let status = 201;
    while (status === 201) {
      const response = await server.api('/api/schedules', { body: { prompt: `go to ${server.baseUrl}/demo/login`, when: 'every day at 6:00', timezone: timeZone } });
      status = response.status;
      if (status === 201) ids.push(response.body.schedule.id);
    }
    expect(status).toBe(429);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/schedules`);
    await expect.poll(() => page.getByTestId('schedule').count()).toBe(ids.length);
    const form = page.getByTestId('schedule-create-form');
    await form.getByLabel('Task').fill(`go to ${server.baseUrl}/demo/login`);
    await form.getByLabel('When').fill('every day at 7:00');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`You have ${ids.length} schedules, the most allowed.`);
    expect(await form.getByLabel('When').inputValue()).toBe('every day at 7:00');
    for (const id of ids) expect((await server.api(`/api/schedules/${id}`, { method: 'DELETE' })).status).toBe(204);
    await page.close();
  }, 60_000);

  it('says why the list could not be read while the server is down, and lists once it is back', async () => {
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid=connection-status][data-state=live]').waitFor();

    // The server goes away; the page, already loaded, is asked for the Schedules page.
    const port = Number(new URL(server.baseUrl).port);
    await server.stop();
    await page.getByRole('link', { name: 'Schedules' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not be listed' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Can't reach skipper");

    server = await startTestServer({ ...serverOptions(), database: server.database, port, token: server.token });
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('schedules-empty').waitFor();
    await alert.waitFor({ state: 'detached' });
    await page.close();
  }, 90_000);
});
