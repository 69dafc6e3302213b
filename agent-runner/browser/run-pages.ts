import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { RunAssign } from '../../protocol/index.ts';
import { pageSession } from './page-session.ts';

/** Size of the browser window each run gets unless its plan sets one. */
export const RUN_VIEWPORT = { width: 1280, height: 800 };

/** What a run asks of its browser context: the plan's browser options and the saved session it starts from. */
export type RunContextSetup = Pick<RunAssign, 'browser' | 'storageState'>;

/** The Playwright options of a run's context. */
export function runContextOptions(setup: RunContextSetup = {}): BrowserContextOptions {
  const { browser: options = {}, storageState } = setup;
  return {
    viewport: options.viewport ?? RUN_VIEWPORT,
    ...(options.locale && { locale: options.locale }),
    ...(options.timezoneId && { timezoneId: options.timezoneId }),
    ...(options.userAgent && { userAgent: options.userAgent }),
    ...(options.geolocation && { geolocation: options.geolocation, permissions: ['geolocation'] }),
    ...(storageState && { storageState }),
  };
}

/**
 * Whether a run needs a context of its own rather than the spare (see createWarmPages), which
 * has the default options and no state. Saving the session at the end asks nothing of the start.
 */
export function needsOwnContext(setup: RunContextSetup): boolean {
  const { session: _saving, ...options } = setup.browser ?? {};
  return setup.storageState !== undefined || Object.values(options).some((value) => value !== undefined);
}

/** A page in a fresh browser context: nothing carries over from one run to the next. */
export async function newRunPage(browser: Browser, setup?: RunContextSetup): Promise<Page> {
  const context = await browser.newContext(runContextOptions(setup));
  try {
    return await context.newPage();
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}

export type WarmPages = {
  /** A fresh page: the spare if one is ready and healthy, else a new one. */
  take(): Promise<Page>;
  /** Prepares a spare, if there is none, while the runner is idle; resolves when it is ready (or could not be made). */
  refill(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Keeps one unused run page ready. Opening a context and its page is Chromium's slowest part
 * of starting a run (about 400 ms on a 2-core machine); doing it between runs takes that off
 * the time until the first step. The spare is never used before, so isolation is unchanged.
 */
export function createWarmPages(currentBrowser: () => Promise<Browser>): WarmPages {
  let spare: Promise<Page | undefined> | undefined;

  return {
    async take() {
      // Claimed before the first await: callers that arrive while the spare is still being made
      // must not all wait for, and then share, the same page.
      const claimed = spare;
      spare = undefined;
      const ready = await claimed;
      if (ready && !ready.isClosed() && ready.context().browser()?.isConnected()) return ready;
      return newRunPage(await currentBrowser());
    },
    async refill() {
      spare ??= currentBrowser()
        .then(newRunPage)
        // Its CDP session too (screenshots and the watch for new tabs use it): one round trip less at the start.
        .then(async (page) => (await pageSession(page), page))
        .catch(() => undefined); // a run that finds no spare opens its own page and reports what fails
      await spare;
    },
    async close() {
      const claimed = spare;
      spare = undefined;
      const ready = await claimed;
      await ready?.context().close().catch(() => {});
    },
  };
}
