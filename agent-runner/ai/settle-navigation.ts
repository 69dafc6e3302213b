import type { Page } from 'playwright-core';
import { StepError } from '../steps/step-error.ts';
import { untilAborted } from './until-aborted.ts';

/**
 * Runs `action`, which acts on `page` outside Playwright (Stagehand clicks over its own CDP
 * connection), then waits for a page it started loading, as Playwright's own click does: the
 * next step must not read a page that is about to be replaced.
 *
 * The browser reports a navigation the page requested (a link followed, a form submitted) to
 * every session attached to it. A session of our own listens during the action; one round trip
 * on it afterwards guarantees every event sent before has arrived, so "no navigation was
 * requested" is a fact, not a guess.
 */
export async function settleNavigation<T>(page: Page, options: { timeoutMs: number; signal: AbortSignal }, action: () => Promise<T>): Promise<T> {
  const session = await page.context().newCDPSession(page);
  try {
    const { frameTree } = await session.send('Page.getFrameTree');
    const mainFrameId = frameTree.frame.id;
    let requested = false;
    // Settles once a requested navigation has committed, or the frame stopped loading without
    // one (a download, a 204, a navigation cancelled).
    let settled!: () => void;
    const ended = new Promise<void>((resolve) => (settled = resolve));
    session.on('Page.frameRequestedNavigation', (event) => {
      if (event.frameId === mainFrameId) requested = true;
    });
    session.on('Page.frameNavigated', (event) => {
      if (requested && event.frame.id === mainFrameId) settled();
    });
    session.on('Page.frameStoppedLoading', (event) => {
      if (requested && event.frameId === mainFrameId) settled();
    });
    await session.send('Page.enable');
    const result = await action();
    // The barrier: events emitted before this answer have been delivered.
    await session.send('Page.getFrameTree');
    if (requested) await withTimeout(ended, options.timeoutMs, options.signal);
    try {
      await page.waitForLoadState('load', { timeout: options.timeoutMs, signal: options.signal });
    } catch (error) {
      if (options.signal.aborted) throw error;
      throw new StepError('timeout', 'The page did not finish loading after the action', { cause: error });
    }
    return result;
  } finally {
    await session.detach().catch(() => {});
  }
}

/** Waits for `promise`, but no longer than `ms` (a timeout is no error here) and not past an abort. */
async function withTimeout(promise: Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await untilAborted(Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]), signal);
  } finally {
    clearTimeout(timer);
  }
}
