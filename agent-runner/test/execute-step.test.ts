import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { Step } from '../../protocol/index.ts';
import { freeLocalPort } from '../browser/devtools-url.ts';
import { executeStep } from '../steps/execute-step.ts';
import { StepError } from '../steps/step-error.ts';
import { browserTest as test } from './browser-test.ts';

function run(page: Page, step: Step, timeoutMs = 5000, signal?: AbortSignal) {
  return executeStep({ page, step, timeoutMs, signal });
}

async function failure(page: Page, step: Step, timeoutMs = 5000, signal?: AbortSignal): Promise<StepError> {
  const error = await run(page, step, timeoutMs, signal).catch((caught: unknown) => caught);
  if (!StepError.isInstance(error)) throw new Error(`expected a StepError, got ${String(error)}`);
  return error;
}

describe('executeStep: every step type', () => {
  test('goto loads the page and reports its URL, as does screenshot, which leaves the picture to the run', async ({ page, server }) => {
    const url = server.url('/login.html');
    expect(await run(page, { type: 'goto', url })).toEqual({ url });
    expect(await page.title()).toBe('Sign in');
    expect(await run(page, { type: 'screenshot', fullPage: true })).toEqual({ url });
  });

  test('fill types into a field, and click submits the form and waits for the next page to load', async ({ page, server }) => {
    await page.goto(server.url('/login.html'));
    await run(page, { type: 'fill', target: 'Email', value: 'alice@example.com' });
    expect(await page.locator('#email').inputValue()).toBe('alice@example.com');
    const output = await run(page, { type: 'click', target: 'Sign in' });
    expect(output.url).toBe(server.url('/welcome.html?email=alice%40example.com&password='));
    // welcome.html holds its load event back with a slow image; the click step must have waited for it.
    expect(await page.evaluate(() => document.readyState)).toBe('complete');
    expect(await page.locator('#greeting').textContent()).toBe('Welcome, alice@example.com');
  });

  test('press sends a key to the page, or to a target whose form it may submit', async ({ page, server }) => {
    await page.goto(server.url('/placeholder.html'));
    await run(page, { type: 'press', key: 'Escape' });
    expect(await page.locator('#last-key').textContent()).toBe('Pressed Escape');
    await run(page, { type: 'fill', target: 'Search the catalogue', value: 'lamps' });
    const output = await run(page, { type: 'press', key: 'Enter', target: 'Search the catalogue' });
    expect(output.url).toBe(server.url('/results.html?q=lamps'));
    expect(await page.locator('#heading').textContent()).toBe('Results for lamps');
  });

  test('select chooses an option by label, then by value, and fails clearly otherwise', async ({ page, server }) => {
    await page.goto(server.url('/select.html'));
    await run(page, { type: 'select', target: 'Country', option: 'Germany' });
    expect(await page.locator('#country').inputValue()).toBe('de');
    await run(page, { type: 'select', target: 'Country', option: 'fr' });
    expect(await page.locator('#country').inputValue()).toBe('fr');
    await run(page, { type: 'select', target: 'Size', option: 'S' });
    expect(await page.locator('#size').inputValue()).toBe('small');
    const missing = await failure(page, { type: 'select', target: 'Country', option: 'Spain' });
    expect(missing.code).toBe('action-failed');
    expect(missing.message).toBe('"Country" has no option labelled or valued "Spain"; it offers "Choose…", "France", "Germany"');
    const notAList = await failure(page, { type: 'select', target: { by: 'label', label: 'Nickname' }, option: 'Bob' });
    expect(notAList.message).toBe('the field labelled "Nickname" is not a drop-down list (<select>)');
  });

  test('wait for text succeeds once the text shows, and fails with timeout when it never does', async ({ page, server }) => {
    await page.goto(server.url('/late.html?ms=300'));
    await run(page, { type: 'wait', text: 'Ready now' });
    expect(await page.locator('#status').textContent()).toBe('Ready now');
    const error = await failure(page, { type: 'wait', text: 'Never shown', timeoutMs: 300 });
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('"Never shown" did not appear within 0.3 s');
  });

  test('wait for a duration takes that long, even beyond the step timeout', async ({ page }) => {
    const startedAt = performance.now();
    await run(page, { type: 'wait', ms: 400, timeoutMs: 100 });
    // Node's timers run off a cached loop clock and may fire a millisecond or two early.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(395);
  });

  test('extract reads the trimmed text of an element, capped at 100 000 characters', async ({ page, server }) => {
    const url = server.url('/read.html');
    await page.goto(url);
    expect(await run(page, { type: 'extract', target: '#summary' })).toEqual({ text: 'Revenue grew 12% this quarter.', url });
    expect(await run(page, { type: 'extract', target: 'Quarterly report' })).toEqual({ text: 'Quarterly report', url });
    const long = await run(page, { type: 'extract', target: { by: 'selector', selector: '#long' } });
    expect(long.text).toBe('x'.repeat(100_000));
  });

  test('assert passes when the page shows the text and fails with assertion-failed when not', async ({ page, server }) => {
    await page.goto(server.url('/welcome.html'));
    await run(page, { type: 'assert', text: 'you are signed in' });
    const error = await failure(page, { type: 'assert', text: 'Signed out' }, 500);
    expect(error.code).toBe('assertion-failed');
    expect(error.message).toBe('The page does not show "Signed out" (waited 0.5 s)');
  });
});

describe('executeStep: failures', () => {
  test('a missing element fails with target-not-found once its timeout has passed', async ({ page, server }) => {
    await page.goto(server.url('/login.html'));
    const startedAt = performance.now();
    const error = await failure(page, { type: 'click', target: 'Log out', timeoutMs: 1000 }, 30_000);
    const elapsedMs = performance.now() - startedAt;
    expect(error.code).toBe('target-not-found');
    expect(error.message).toBe(
      'No element matches "Log out" (looked for a button or link named "Log out", a field labelled or with placeholder "Log out", the text "Log out", and a CSS selector) within 1 s',
    );
    expect(elapsedMs).toBeGreaterThanOrEqual(1000);
    expect(elapsedMs).toBeLessThan(3000);
  });

  test('an element that appears late is found and clicked', async ({ page, server }) => {
    await page.goto(server.url('/late.html?ms=500'));
    await run(page, { type: 'click', target: 'Late button' });
    expect(await page.locator('#status').textContent()).toBe('Late button clicked');
  });

  test('an action that cannot happen in time fails with timeout and the reason, without the call log', async ({ page }) => {
    await page.setContent('<button disabled>Pay</button>');
    const error = await failure(page, { type: 'click', target: 'Pay' }, 500);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('Did not finish within 0.5 s: element is not enabled');
  });

  test('a Playwright error keeps only its first line', async ({ page }) => {
    await page.setContent('<input aria-label="Code">');
    const error = await failure(page, { type: 'press', key: 'Hyper', target: 'Code' });
    expect(error.code).toBe('action-failed');
    expect(error.message).toBe('Unknown key: "Hyper"');
  });

  test('a slow page that loads within the timeout succeeds; one slower than the timeout fails with timeout', async ({ page, server }) => {
    const url = server.url('/slow?ms=300');
    expect(await run(page, { type: 'goto', url }, 5000)).toEqual({ url });
    expect(await page.textContent('p')).toBe('Finally loaded');

    const slowerUrl = server.url('/slow?ms=10000');
    const startedAt = performance.now();
    const error = await failure(page, { type: 'goto', url: slowerUrl, timeoutMs: 500 });
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`${slowerUrl} did not finish loading within 0.5 s`);
    expect(performance.now() - startedAt).toBeLessThan(2500);
  });

  // Separate tests: after a failed goto, Chromium commits its error page late and cuts the next goto short (Playwright #35944).
  test('a refused connection fails with navigation-failed in plain words', async ({ page }) => {
    const url = `http://127.0.0.1:${await freeLocalPort()}/`;
    const error = await failure(page, { type: 'goto', url });
    expect(error.code).toBe('navigation-failed');
    expect(error.message).toBe(`Could not open ${url}: the server refused the connection (net::ERR_CONNECTION_REFUSED)`);
  });

  test('an HTTP error status fails with navigation-failed naming the status', async ({ page, server }) => {
    const url = server.url('/status/404');
    const error = await failure(page, { type: 'goto', url });
    expect(error.code).toBe('navigation-failed');
    expect(error.message).toBe(`Could not open ${url}: the server answered HTTP 404 Not Found`);
  });
});

describe('executeStep: cancellation', () => {
  test('an aborted signal cancels the step before it starts', async ({ page, server }) => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(page, { type: 'goto', url: server.url('/login.html') }, 5000, controller.signal);
    expect(error.code).toBe('cancelled');
    expect(page.url()).toBe('about:blank');
  });

  test('aborting interrupts a page that is loading', async ({ page, server }) => {
    const controller = new AbortController();
    const requested = server.nextRequest('/slow');
    const step = failure(page, { type: 'goto', url: server.url('/slow?ms=60000') }, 60_000, controller.signal);
    await requested;
    const abortedAt = performance.now();
    controller.abort();
    expect((await step).code).toBe('cancelled');
    expect(performance.now() - abortedAt).toBeLessThan(2000);
  });
});
