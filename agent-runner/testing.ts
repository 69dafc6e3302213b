// Helpers for test suites that need a real browser (agent-runner's own and other folders').
import type { Browser } from 'playwright-core';
import { openBrowser } from './browser/open-browser.ts';

export { startFixtureServer } from './test/fixture-server.ts';
export type { FixtureServer } from './test/fixture-server.ts';

/** A headless Chromium found the same way the runner finds one (CHROME_PATH, then the usual places). */
export function launchTestBrowser(): Promise<Browser> {
  return openBrowser({ headless: true });
}
