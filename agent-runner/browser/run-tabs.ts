import type { Page } from 'playwright-core';
import { pageSession } from './page-session.ts';

export type RunTabs = {
  /** The tab steps act on (and screenshots show). */
  current(): Page;
  /** The run's open tabs in the order they opened: tab 1 first. */
  open(): Page[];
  /** Position of `page` among the open tabs, from 1; 0 once it is closed. */
  positionOf(page: Page): number;
  /** Makes `page`, one of the open tabs, the current one; closing it later comes back here. */
  switchTo(page: Page): Promise<void>;
  /**
   * Moves the run to the newest tab opened, since the last call, by a user action: a click on a
   * `target=_blank` link, a `window.open` in a click handler. With `wait` (at the end of a step),
   * first makes sure every tab the pages asked for until now has arrived, waiting for those still
   * opening up to the deadline. Resolves with the tab moved to, if any.
   */
  followOpened(wait?: { deadline: number; signal?: AbortSignal }): Promise<Page | undefined>;
};

/**
 * The tabs of one run's browser context. Tabs a page opens by itself (a timer, an ad as a page
 * loads) join the list, reachable with `switchTab`, but do not move the run: Chromium tells each
 * page's session of a window it opens, and whether a user gesture opened it (`Page.windowOpen`).
 *
 * A tab opened by a step moves the run at that step's end. One opened between steps (a click's
 * handler that opens it after a request) moves the run at the start of the next step, which
 * reports it: steps are checked in order, so the step after a click that opens a tab late is
 * the one meant to act on it. When the current tab closes (by `closeTab` or by itself, as a
 * sign-in popup does) the run goes back to the tab it came from.
 */
export async function createRunTabs(first: Page): Promise<RunTabs> {
  const tabs: Page[] = [];
  const cameFrom = new WeakMap<Page, Page>();
  const watching = new WeakMap<Page, Promise<void>>();
  let current = first;
  // Since the last follow: the tabs that arrived, and the windows pages asked for.
  let arrived: Page[] = [];
  let requested = 0;
  let requestedByUser = 0;
  let wakeFollower: (() => void) | undefined;

  function track(page: Page) {
    tabs.push(page);
    watching.set(page, watchWindowOpens(page));
    page.once('close', () => {
      tabs.splice(tabs.indexOf(page), 1);
      if (page === current) current = cameBackFrom(page);
    });
  }

  async function watchWindowOpens(page: Page): Promise<void> {
    try {
      const session = await pageSession(page);
      session.on('Page.windowOpen', (event) => {
        requested += 1;
        if (event.userGesture) requestedByUser += 1;
      });
      await session.send('Page.enable');
    } catch {
      // The tab closed before it could be watched.
    }
  }

  function cameBackFrom(closed: Page): Page {
    // Switching back and forth makes the chain a loop: each tab is looked at once.
    const seen = new Set<Page>([closed]);
    for (let from = cameFrom.get(closed); from && !seen.has(from); from = cameFrom.get(from)) {
      if (!from.isClosed()) return from;
      seen.add(from);
    }
    return tabs.at(-1) ?? closed;
  }

  function reset() {
    arrived = [];
    requested = 0;
    requestedByUser = 0;
  }

  track(first);
  first.context().on('page', (page) => {
    track(page);
    arrived.push(page);
    wakeFollower?.();
  });
  await watching.get(first);

  return {
    current: () => current,
    open: () => [...tabs],
    positionOf: (page) => tabs.indexOf(page) + 1,
    async switchTo(page) {
      if (page !== current) {
        cameFrom.set(page, current);
        current = page;
      }
      // Pages can tell whether they are the tab in front (visibilitychange); the run's tab is.
      await page.bringToFront();
    },
    async followOpened(wait) {
      if (wait) {
        const session = await pageSession(current).catch(() => undefined);
        await watching.get(current);
        // A round trip on the session: every window open the browser reported before it has arrived.
        await session?.send('Page.getFrameTree').catch(() => {});
        while (arrived.length < requested && Date.now() < wait.deadline && !wait.signal?.aborted) await nextArrival(wait.deadline, wait.signal);
      }
      const newest = requestedByUser > 0 ? arrived.findLast((page) => !page.isClosed()) : undefined;
      // Without waiting, a window asked for but not arrived yet is followed later; a wait that ran
      // out gives up on it, or every later step would wait for it again.
      if (newest || wait || arrived.length >= requested) reset();
      if (!newest) return undefined;
      cameFrom.set(newest, current);
      current = newest;
      return newest;
    },
  };

  function nextArrival(deadline: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        wakeFollower = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', done, { once: true });
      wakeFollower = done;
    });
  }
}
