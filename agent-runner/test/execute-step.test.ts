import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { Step } from '../../protocol/index.ts';
import { freeLocalPort } from '../browser/devtools-url.ts';
import { answerDialogs } from '../browser/dialogs.ts';
import type { Attachment } from '../connection/attachments.ts';
import { executeStep } from '../steps/execute-step.ts';
import { StepError } from '../steps/step-error.ts';
import { browserTest as test, tabsOf } from './browser-test.ts';

async function run(page: Page, step: Step, timeoutMs = 5000, signal?: AbortSignal) {
  return executeStep({ tabs: await tabsOf(page), step, timeoutMs, signal });
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

describe('executeStep: hover, check, select several, scroll, wait for the address', () => {
  test.beforeEach(async ({ page, server }) => {
    await page.goto(server.url('/form-controls.html'));
  });

  test('hover moves the pointer over an element, which may show more', async ({ page }) => {
    expect(await page.locator('#tip').isVisible()).toBe(false);
    await run(page, { type: 'hover', target: 'Account' });
    expect(await page.locator('#tip').isVisible()).toBe(true);
  });

  test('check ticks a checkbox or chooses a radio button, uncheck clears a checkbox, and both refuse what they cannot do', async ({ page }) => {
    await run(page, { type: 'check', target: 'Express' });
    expect(await page.locator('input[value=express]').isChecked()).toBe(true);
    expect(await page.locator('input[value=standard]').isChecked()).toBe(false);
    await run(page, { type: 'check', target: 'Gift wrap' });
    await run(page, { type: 'check', target: 'Gift wrap' }); // already ticked: nothing to do
    expect(await page.locator('#gift').isChecked()).toBe(true);
    await run(page, { type: 'uncheck', target: 'Gift wrap' });
    expect(await page.locator('#gift').isChecked()).toBe(false);

    const radio = await failure(page, { type: 'uncheck', target: 'Express' });
    expect([radio.code, radio.message]).toEqual(['action-failed', '"Express" is a radio button: choose another option of its group instead']);
    const list = await failure(page, { type: 'check', target: { by: 'label', label: 'Toppings' } });
    expect([list.code, list.message]).toEqual(['action-failed', 'the field labelled "Toppings" is not a checkbox or radio button']);
  });

  test('select chooses several options in a list that allows several, and names the missing ones', async ({ page, server }) => {
    await run(page, { type: 'select', target: 'Toppings', option: ['Ham', 'pep'] });
    expect(await page.locator('#toppings').evaluate((list: HTMLSelectElement) => [...list.selectedOptions].map((option) => option.value))).toEqual(['ham', 'pep']);
    const missing = await failure(page, { type: 'select', target: 'Toppings', option: ['Ham', 'Anchovies', 'Tuna'] });
    expect(missing.message).toBe('"Toppings" has no option labelled or valued "Anchovies" or "Tuna"; it offers "Ham", "Olives", "Peppers"');

    await page.goto(server.url('/select.html'));
    const single = await failure(page, { type: 'select', target: 'Country', option: ['France', 'Germany'] });
    expect([single.code, single.message]).toEqual(['action-failed', '"Country" allows only one choice, and the step asks for 2']);
    await run(page, { type: 'select', target: 'Country', option: ['Germany'] });
    expect(await page.locator('#country').inputValue()).toBe('de');
  });

  test('scroll brings an element into view, goes to the bottom or the top, or moves by an amount', async ({ page }) => {
    const scrollY = () => page.evaluate(() => window.scrollY);
    await run(page, { type: 'scroll', target: 'Terms of sale' });
    expect(await scrollY()).toBeGreaterThan(2000);
    expect(await page.locator('#terms').evaluate((heading) => heading.getBoundingClientRect().top)).toBeLessThan(800);
    await run(page, { type: 'scroll', to: 'bottom' });
    expect(await scrollY()).toBe(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight));
    await run(page, { type: 'scroll', to: 'top' });
    expect(await scrollY()).toBe(0);
    // Even where the page asks for smooth scrolling, the step ends where it scrolled to.
    await page.addStyleTag({ content: 'html { scroll-behavior: smooth }' });
    await run(page, { type: 'scroll', by: { x: 0, y: 500 } });
    expect(await scrollY()).toBe(500);
  });

  test('waitForUrl waits for the address to contain the text, as sent or decoded, and says where the page is when it does not', async ({ page, server }) => {
    await page.goto(server.url('/routes.html'));
    await run(page, { type: 'click', target: 'Continue later' });
    const output = await run(page, { type: 'waitForUrl', contains: 'from=routes' });
    expect(output.url).toBe(server.url('/welcome.html?from=routes'));
    expect(await page.evaluate(() => document.readyState)).toBe('complete');

    await page.goto(server.url('/routes.html'));
    await run(page, { type: 'click', target: 'Choose Köln' });
    expect((await run(page, { type: 'waitForUrl', contains: 'city=köln' })).url).toBe(server.url('/routes.html?city=k%C3%B6ln'));

    const error = await failure(page, { type: 'waitForUrl', contains: '/checkout', timeoutMs: 300 });
    expect([error.code, error.message]).toEqual(['timeout', `The address did not come to contain "/checkout" within 0.3 s; it is ${server.url('/routes.html?city=k%C3%B6ln')}`]);
  });

  test('a step acts on an element in a cross-site frame', async ({ page, server }) => {
    await page.goto(server.url(`/frames.html?wallet=${encodeURIComponent(server.crossSiteUrl('/frame-wallet.html'))}`));
    await run(page, { type: 'click', target: 'Pay' });
    expect(await page.frameLocator('#wallet').locator('#wallet-pay').textContent()).toBe('Paid');
    await run(page, { type: 'fill', target: { by: 'label', label: 'Card number', frame: '#card' }, value: '4242 4242' });
    expect(await page.frameLocator('#card').locator('#number').inputValue()).toBe('4242 4242');
  });
});

describe('executeStep: upload', () => {
  const files: Record<string, Attachment> = {
    [randomUUID()]: { name: 'report.csv', mimeType: 'text/csv', buffer: Buffer.from('quarter,revenue\nQ3,12\n') },
    [randomUUID()]: { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
  };
  const [reportId, photoId] = Object.keys(files) as [string, string];
  const attachment = async (id: string) => files[id] ?? Promise.reject(new StepError('action-failed', `no attachment ${id}`));
  const upload = async (page: Page, step: Step) => executeStep({ tabs: await tabsOf(page), step, timeoutMs: 5000, attachment });
  const chosen = (page: Page, selector: string) =>
    page.locator(selector).evaluate((input: HTMLInputElement) => Promise.all([...input.files!].map(async (file) => [file.name, file.type, await file.text()])));

  test('sets attached files on a file input, found by its label even when the input is hidden', async ({ page, server }) => {
    await page.goto(server.url('/form-controls.html'));
    await upload(page, { type: 'upload', target: 'Attachment', files: [reportId] });
    expect(await chosen(page, '#attachment')).toEqual([['report.csv', 'text/csv', 'quarter,revenue\nQ3,12\n']]);
    await upload(page, { type: 'upload', target: 'Photos', files: [reportId, photoId] });
    expect((await chosen(page, '#photos')).map(([name, type]) => [name, type])).toEqual([['report.csv', 'text/csv'], ['photo.png', 'image/png']]);
  });

  test('refuses what is not a file input, several files for a single one, and a run with no server to fetch from', async ({ page, server }) => {
    await page.goto(server.url('/form-controls.html'));
    const notInput = await upload(page, { type: 'upload', target: { by: 'label', label: 'Gift wrap' }, files: [reportId] }).catch((error: StepError) => error);
    expect(notInput).toMatchObject({ code: 'action-failed', message: 'the field labelled "Gift wrap" is not a file input (<input type="file">)' });
    const tooMany = await upload(page, { type: 'upload', target: 'Attachment', files: [reportId, photoId] }).catch((error: StepError) => error);
    expect(tooMany).toMatchObject({ code: 'action-failed', message: '"Attachment" takes one file, and the step has 2' });
    const noServer = await failure(page, { type: 'upload', target: 'Attachment', files: [reportId] });
    expect(noServer.message).toBe('This runner cannot fetch attached files: it has no server to fetch them from');
    expect(await chosen(page, '#attachment')).toEqual([]);
  });
});

describe('executeStep: tabs', () => {
  test('a link or window.open that opens a tab moves the run to it; switchTab and closeTab move between tabs', async ({ page, server }) => {
    const tabs = await tabsOf(page);
    await page.goto(server.url('/tabs.html'));
    const link = await run(page, { type: 'click', target: 'Open the report' });
    expect(link).toEqual({ openedTab: { tab: 2, url: server.url('/read.html') }, url: server.url('/read.html') });
    expect(tabs.current().url()).toBe(server.url('/read.html'));
    // The next step acts on the new tab.
    expect((await run(page, { type: 'extract', target: '#summary' })).text).toBe('Revenue grew 12% this quarter.');

    expect((await run(page, { type: 'switchTab', to: 1 })).url).toBe(server.url('/tabs.html'));
    const popup = await run(page, { type: 'click', target: 'Open preferences' });
    expect(popup.openedTab).toEqual({ tab: 3, url: server.url('/select.html') });
    expect(await tabs.current().title()).toBe('Preferences');

    // By a part of its title or address, ignoring case.
    expect((await run(page, { type: 'switchTab', to: 'reports' })).url).toBe(server.url('/tabs.html'));
    expect((await run(page, { type: 'switchTab', to: 'READ.html' })).url).toBe(server.url('/read.html'));
    const missing = await failure(page, { type: 'switchTab', to: 'checkout' });
    expect(missing.message).toBe(
      `No tab's address or title contains "checkout"; the open tabs are 1: "Reports" ${server.url('/tabs.html')}, 2: "Report" ${server.url('/read.html')}, 3: "Preferences" ${server.url('/select.html')}`,
    );
    expect((await failure(page, { type: 'switchTab', to: 4 })).message).toBe('There is no tab 4: the run has 3 tabs open');

    // Tab 2 was reached from tab 1: closing it goes back there, and tab 3 becomes tab 2.
    expect((await run(page, { type: 'closeTab' })).url).toBe(server.url('/tabs.html'));
    expect(tabs.open().map((tab) => tab.url())).toEqual([server.url('/tabs.html'), server.url('/select.html')]);
    await run(page, { type: 'switchTab', to: 2 });
    expect((await run(page, { type: 'closeTab' })).url).toBe(server.url('/tabs.html'));
    const last = await failure(page, { type: 'closeTab' });
    expect([last.code, last.message]).toEqual(['action-failed', 'Cannot close the only tab the run has open']);
  });

  test('a tab the page opens by itself joins the tabs without moving the run', async ({ page, server }) => {
    const tabs = await tabsOf(page);
    const advert = page.context().waitForEvent('page');
    expect((await run(page, { type: 'goto', url: server.url('/tabs.html?advert') })).openedTab).toBeUndefined();
    await advert;
    const output = await run(page, { type: 'assert', text: 'Reports' });
    expect(output.openedTab).toBeUndefined();
    expect(tabs.current()).toBe(page);
    expect(tabs.open()).toHaveLength(2);
    expect((await run(page, { type: 'switchTab', to: 'results' })).url).toBe(server.url('/results.html?q=advert'));
  });

  test('a tab a click opens after its step ended moves the run at the next step, which reports it', async ({ page, server }) => {
    const tabs = await tabsOf(page);
    await page.goto(server.url('/tabs.html'));
    const opening = page.context().waitForEvent('page');
    expect((await run(page, { type: 'click', target: 'Sign in elsewhere' })).openedTab).toBeUndefined();
    await opening;
    const next = await run(page, { type: 'fill', target: 'Email', value: 'alice@example.com' });
    expect(next.openedTab).toEqual({ tab: 2, url: server.url('/login.html') });
    expect(await tabs.current().locator('#email').inputValue()).toBe('alice@example.com');
  });

  test('closeTab lets the page ask to stay: accepted by default, refused when the step dismisses dialogs', async ({ page, server }) => {
    const tabs = await tabsOf(page);
    const dialogs = answerDialogs(page.context());
    await page.goto(server.url('/tabs.html'));
    await run(page, { type: 'click', target: 'Open the report' });
    await run(page, { type: 'switchTab', to: 1 });
    await run(page, { type: 'click', target: 'Open preferences' });
    await run(page, { type: 'switchTab', to: 1 });
    await run(page, { type: 'click', target: 'Edit' }); // the page now asks before it is left

    dialogs.answerWith('dismiss');
    const kept = await failure(page, { type: 'closeTab', dialog: 'dismiss' });
    expect([kept.code, kept.message]).toEqual(['action-failed', 'The page asked to stay open, and the step dismisses dialogs: the tab was not closed']);
    expect(tabs.open()).toHaveLength(3);
    dialogs.answerWith(undefined);
    // Back to the tab tab 1 was reached from last: tab 3.
    expect((await run(page, { type: 'closeTab' })).url).toBe(server.url('/select.html'));
    expect(page.isClosed()).toBe(true);
    expect(dialogs.take()).toEqual([
      { type: 'beforeunload', message: '', answer: 'dismissed' },
      { type: 'beforeunload', message: '', answer: 'accepted' },
    ]);
  });
});
