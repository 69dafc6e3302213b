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

  test('never hands one page to two runs, however many ask while the spare is being made', async ({ browser }) => {
    const pages = createWarmPages(async () => browser);
    // More takers than spares, all arriving while the spare is still being created.
    const refilled = pages.refill();
    const taken = await Promise.all(Array.from({ length: 6 }, () => pages.take()));
    await refilled;
    expect(new Set(taken).size).toBe(6);
    expect(new Set(taken.map((page) => page.context())).size).toBe(6);
    // A refill racing the takes leaves at most one unused spare, not a context per caller.
    await Promise.all([pages.refill(), pages.refill()]);
    const spare = await pages.take();
    expect(taken).not.toContain(spare);
    await Promise.all([...taken, spare].map((page) => page.context().close()));
    await pages.close();
  });
});
