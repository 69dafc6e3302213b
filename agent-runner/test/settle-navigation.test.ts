import { describe, expect } from 'vitest';
import { settleNavigation } from '../ai/settle-navigation.ts';
import { aiTest as test } from './ai-test.ts';

// Stagehand acts on the run's page over its own CDP connection, which Playwright does not
// follow: a click of Stagehand's that loads another page must still end on that page, loaded,
// before the next step reads it.

const options = (timeoutMs = 10_000) => ({ timeoutMs, signal: new AbortController().signal });

describe('settling after Stagehand acts on the page', () => {
  test('waits for the page the action started loading, however slowly it answers', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/welcome.html'));
    const { page: stagehandPage } = await stagehand.attach(page, new AbortController().signal);
    // The action requests the load and returns; the server answers 400 ms later.
    const target = server.url('/slow?ms=400');
    await settleNavigation(page, options(), () => stagehandPage.sendCDP("Runtime.evaluate", { expression: `location.href = ${JSON.stringify(target)}` }));
    expect(page.url()).toBe(target);
    expect(await page.locator('p').textContent()).toBe('Finally loaded');
  });

  test('returns at once when the action loads nothing, and when a requested load never replaces the page', async ({ page, server, stagehand }) => {
    await page.goto(server.url('/welcome.html'));
    const { page: stagehandPage } = await stagehand.attach(page, new AbortController().signal);
    await settleNavigation(page, options(), () => stagehandPage.sendCDP("Runtime.evaluate", { expression: `document.body.append("clicked")` }));
    expect(page.url()).toBe(server.url('/welcome.html'));
    // A 204 answer keeps the page as it is: settling must not wait out its limit (longer than this test's) for it.
    await settleNavigation(page, options(120_000), () => stagehandPage.sendCDP("Runtime.evaluate", { expression: `location.href = ${JSON.stringify(server.url("/status/204"))}` }));
    expect(page.url()).toBe(server.url('/welcome.html'));
    expect(await page.evaluate(() => document.body.textContent)).toContain('clicked');
  });
});
