// Helpers for test suites and benchmarks that need a real browser (agent-runner's own and other folders').
import type { Browser } from 'playwright-core';
import { openBrowser, openRunnerBrowser, type OpenedBrowser } from './browser/open-browser.ts';

export { startFixtureServer } from './test/fixture-server.ts';
export type { FixtureServer } from './test/fixture-server.ts';
export type { OpenedBrowser } from './browser/open-browser.ts';
export { pageOutline } from './ai/page-outline.ts';
export { createStagehandSessions } from './ai/stagehand-sessions.ts';
export type { StagehandSessions } from './ai/stagehand-sessions.ts';
export { createStepModel, withStepModel } from './ai/step-model.ts';
export type { CallModel } from './connection/model-calls.ts';

/** A headless Chromium found the same way the runner finds one (CHROME_PATH, then the usual places). */
export function launchTestBrowser(): Promise<Browser> {
  return openBrowser({ headless: true });
}

/** The same, opened as a runner opens it: ready for AI steps (Stagehand attaches to it). */
export function openTestBrowser(): Promise<OpenedBrowser> {
  return openRunnerBrowser({ headless: true });
}
