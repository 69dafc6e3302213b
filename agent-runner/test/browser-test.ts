import type { Page } from 'playwright-core';
import { test } from 'vitest';
import { createRunTabs, type RunTabs } from '../browser/run-tabs.ts';
import { launchTestBrowser } from '../testing.ts';
import { startFixtureServer } from './fixture-server.ts';

const tabsByPage = new WeakMap<Page, Promise<RunTabs>>();

/** The run tabs of a test's page, made once per page, as a run makes them once per context. */
export function tabsOf(page: Page): Promise<RunTabs> {
  let tabs = tabsByPage.get(page);
  if (!tabs) tabsByPage.set(page, (tabs = createRunTabs(page)));
  return tabs;
}

/**
 * `test` with a fixture server and a Chromium shared by the file, and a page in a fresh
 * browser context for each test.
 */
export const browserTest = test
  .extend('server', { scope: 'file' }, async ({}, { onCleanup }) => {
    const server = await startFixtureServer();
    onCleanup(() => server.close());
    return server;
  })
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchTestBrowser();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend('page', async ({ browser }, { onCleanup }): Promise<Page> => {
    const context = await browser.newContext();
    onCleanup(() => context.close());
    return context.newPage();
  });
