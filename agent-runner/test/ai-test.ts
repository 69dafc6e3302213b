import type { Page } from 'playwright-core';
import { test } from 'vitest';
import type { Step, StepOutput, StepResolution } from '../../protocol/index.ts';
import type { ModelCallRef } from '../connection/model-calls.ts';
import { executeStep } from '../steps/execute-step.ts';
import type { ScriptedModel } from './scripted-model.ts';
import { createStagehandSessions, openTestBrowser, type OpenedBrowser, type StagehandSessions } from '../testing.ts';
import { newRunPage } from '../browser/run-pages.ts';
import { tabsOf } from './browser-test.ts';
import { startFixtureServer } from './fixture-server.ts';

/**
 * `test` for AI steps: a fixture server, a Chromium that Stagehand can attach to and one
 * Stagehand, shared by the file, and a run page in a fresh context for each test.
 */
export const aiTest = test
  .extend('server', { scope: 'file' }, async ({}, { onCleanup }) => {
    const server = await startFixtureServer();
    onCleanup(() => server.close());
    return server;
  })
  .extend('opened', { scope: 'file' }, async ({}, { onCleanup }): Promise<OpenedBrowser> => {
    const opened = await openTestBrowser();
    onCleanup(() => opened.browser.close());
    return opened;
  })
  .extend('stagehand', { scope: 'file' }, async ({ opened }, { onCleanup }): Promise<StagehandSessions> => {
    const sessions = createStagehandSessions({ currentBrowser: async () => opened });
    onCleanup(() => sessions.close());
    return sessions;
  })
  .extend('page', async ({ opened }, { onCleanup }): Promise<Page> => {
    const page = await newRunPage(opened.browser);
    onCleanup(() => page.context().close());
    return page;
  });

/** Runs an AI step as a run would (30 s to go), its model calls answered by `model`. */
export function runAiStep(options: { page: Page; stagehand: StagehandSessions; model: ScriptedModel; step: Step; ref: ModelCallRef; compiled?: StepResolution }): Promise<StepOutput> {
  const { page, stagehand, model, step, ref, compiled } = options;
  return tabsOf(page).then((tabs) => executeStep({ tabs, step, timeoutMs: 30_000, ai: { services: { callModel: model.callModel, stagehand }, ref, compiled } }));
}
