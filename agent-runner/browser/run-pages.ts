import type { Browser, Page } from 'playwright-core';

/** Size of the browser window each run gets. */
export const RUN_VIEWPORT = { width: 1280, height: 800 };

/** A page in a fresh browser context: nothing carries over from one run to the next. */
export async function newRunPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: RUN_VIEWPORT });
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
