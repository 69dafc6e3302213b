import type { CDPSession, Page } from 'playwright-core';

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * One CDP session per page, opened on first use and kept for the page's life: the run's step
 * screenshots and its watch for new tabs share it, instead of opening one per screenshot.
 */
export function pageSession(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    // A page that could not give a session (closing) may be asked again.
    session.catch(() => sessions.delete(page));
    sessions.set(page, session);
  }
  return session;
}
