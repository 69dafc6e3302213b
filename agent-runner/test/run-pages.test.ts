import { describe, expect } from 'vitest';
import { createWarmPages, newRunPage, RUN_VIEWPORT } from '../browser/run-pages.ts';
import { browserTest as test } from './browser-test.ts';

describe('run pages', () => {
  test('each run page lives in its own fresh context at the run viewport', async ({ browser, server }) => {
    const first = await newRunPage(browser);
    await first.goto(server.url('/login.html'));
    await first.context().addCookies([{ name: 'session', value: 'alice', url: server.url('/') }]);
    const second = await newRunPage(browser);
    expect(second.context()).not.toBe(first.context());
    expect(await second.context().cookies()).toEqual([]);
    expect(second.url()).toBe('about:blank');
    expect(second.viewportSize()).toEqual(RUN_VIEWPORT);
    await Promise.all([first.context().close(), second.context().close()]);
  });

  test('hands out the spare prepared while idle, and a new page when the spare is unusable', async ({ browser }) => {
    const pages = createWarmPages(async () => browser);
    const before = browser.contexts().length;
    await pages.refill();
    expect(browser.contexts()).toHaveLength(before + 1);
    const spare = browser.contexts().at(-1)!;

    const taken = await pages.take();
    expect(taken.context()).toBe(spare);
    expect(browser.contexts()).toHaveLength(before + 1); // no second context was opened

    await pages.refill();
    await browser.contexts().at(-1)!.close(); // the spare dies before it is used
    const replacement = await pages.take();
    expect(replacement.isClosed()).toBe(false);
    expect(replacement.context().pages()).toEqual([replacement]);

    await Promise.all([taken.context().close(), replacement.context().close(), pages.close()]);
    expect(browser.contexts()).toHaveLength(before);
  });
});
