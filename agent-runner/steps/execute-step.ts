import type { Locator } from 'playwright-core';
import { describeTarget, MAX_OUTPUT_TEXT_LENGTH, MAX_OUTPUT_URL_LENGTH, isStorableText, toStorableText } from '../../protocol/index.ts';
import type { Step, StepOutput, StepResolution, Target } from '../../protocol/index.ts';
import { needsModel, type AiStep } from '../ai/ai-step-context.ts';
import { executeAiStep, type AiServices } from '../ai/execute-ai-step.ts';
import type { RunTabs } from '../browser/run-tabs.ts';
import type { Attachment } from '../connection/attachments.ts';
import type { ModelCallRef } from '../connection/model-calls.ts';
import { formatSeconds } from './format-seconds.ts';
import { describeNetworkError } from './navigation-error.ts';
import { isTimeoutError, toStepError } from './playwright-error.ts';
import { scrollPage } from './scroll-page.ts';
import { selectOptions } from './select-options.ts';
import { remainingMs, resolve, waitForLoad, type StepContext } from './step-context.ts';
import { StepError } from './step-error.ts';
import { closeTab, switchTab } from './tab-steps.ts';
import { uploadFiles } from './upload-files.ts';
import { showsText, wait, waitForUrl } from './wait-steps.ts';

export type ExecuteStepOptions = {
  /** The run's tabs: the step acts on the current one, and a tab it opens becomes current. */
  tabs: RunTabs;
  step: Step;
  /** Time the whole step may take (finding the element and acting), in milliseconds, unless the step sets its own `timeoutMs`. */
  timeoutMs: number;
  /** Aborting fails the step at once with StepError('cancelled'). */
  signal?: AbortSignal;
  /** What AI steps (act, observe, agent, extract by instruction) need; without it they fail with `model-unavailable`. */
  ai?: {
    services: AiServices;
    /** Which run, attempt and step the model calls are for. */
    ref: ModelCallRef;
    /** What an earlier run of the plan resolved this step to. */
    compiled?: StepResolution;
  };
  /** Fetches an attached file for `upload` steps (in the step's time); without it they fail. */
  attachment?: (id: string, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<Attachment>;
};

/**
 * Runs one step on the run's current tab. Resolves with the page's URL afterwards (and the text
 * read, for `extract`, what an AI step saw and resolved to, and the tab it opened); rejects with
 * a StepError whose message says what went wrong in plain words.
 */
export async function executeStep(options: ExecuteStepOptions): Promise<StepOutput> {
  const { tabs, step, signal, ai, attachment } = options;
  const timeoutMs = step.timeoutMs ?? options.timeoutMs;
  const deadline = Date.now() + timeoutMs;
  try {
    signal?.throwIfAborted();
    // A tab opened by a user action since the last step ended: this step is meant for it.
    const openedBefore = await tabs.followOpened();
    const page = tabs.current();
    const context: StepContext = {
      tabs,
      page,
      signal,
      timeoutMs,
      deadline,
      ...(attachment && { attachment: (id: string) => attachment(id, { timeoutMs: remainingMs(context), ...(signal && { signal }) }) }),
    };
    let output: StepOutput;
    if (needsModel(step)) {
      if (!ai) throw new StepError('model-unavailable', 'This runner has no connection to a model for AI steps');
      output = await executeAiStep({ page, step, ref: ai.ref, services: ai.services, ...(ai.compiled && { compiled: ai.compiled }), timeoutMs, ...(signal && { signal }) });
    } else {
      const text = await runStep(step, context);
      output = text !== undefined ? { text } : {};
    }
    const openedNow = await tabs.followOpened({ deadline, ...(signal && { signal }) });
    // A tab that closes as it loads (a link opened in a new tab that turns out to be a download) is no tab to report.
    if (openedNow) await waitForLoad(context, openedNow).catch((error: unknown) => {
      if (!openedNow.isClosed()) throw error;
    });
    const opened = openedNow ?? openedBefore;
    const url = tabs.current().url();
    return {
      ...output,
      ...(opened && !opened.isClosed() && { openedTab: { tab: tabs.positionOf(opened), url: toStorableText(opened.url(), MAX_OUTPUT_URL_LENGTH) } }),
      ...(url.length <= MAX_OUTPUT_URL_LENGTH && isStorableText(url) && { url }) /* a longer (data:) URL is left out, not cut into a wrong one */,
    };
  } catch (error) {
    throw toStepError(error, { timeoutMs, signal });
  }
}

/** Returns the text an `extract` step read; undefined for every other step. */
async function runStep(step: Exclude<Step, AiStep>, context: StepContext): Promise<string | undefined> {
  const { page, signal } = context;
  const timing = () => ({ timeout: remainingMs(context), signal });
  switch (step.type) {
    case 'goto':
      await goto(step.url, context);
      return undefined;
    case 'click':
      await (await resolve(step.target, 'click', context)).click(timing());
      await waitForLoad(context);
      return undefined;
    case 'fill':
      await (await resolve(step.target, 'fill', context)).fill(step.value, timing());
      return undefined;
    case 'press':
      if (step.target === undefined) await page.keyboard.press(step.key);
      else await (await resolve(step.target, 'press', context)).press(step.key, timing());
      // Enter in a form submits it.
      await waitForLoad(context);
      return undefined;
    case 'select':
      await selectOptions(step, context);
      await waitForLoad(context);
      return undefined;
    case 'wait':
      await wait(step, context);
      return undefined;
    case 'extract': {
      // An extract step has a target or an instruction; one with an instruction is an AI step.
      if (step.target === undefined) throw new StepError('action-failed', 'The extract step has no target');
      const text = await (await resolve(step.target, 'read', context)).innerText(timing());
      // Pages may hold NUL characters or broken Unicode; the text must still be storable.
      return toStorableText(text.trim(), MAX_OUTPUT_TEXT_LENGTH);
    }
    case 'screenshot':
      // The run takes a screenshot after every step; this step only asks for one.
      return undefined;
    case 'assert':
      if (!(await showsText(step.text, context))) {
        throw new StepError('assertion-failed', `The page does not show "${step.text}" (waited ${formatSeconds(context.timeoutMs)})`);
      }
      return undefined;
    case 'hover':
      await (await resolve(step.target, 'hover', context)).hover(timing());
      return undefined;
    case 'check':
    case 'uncheck':
      await setChecked(step.type === 'check', step.target, await resolve(step.target, 'check', context), context);
      await waitForLoad(context);
      return undefined;
    case 'scroll':
      await scrollPage(step, context);
      return undefined;
    case 'waitForUrl':
      await waitForUrl(step, context);
      return undefined;
    case 'switchTab':
      await switchTab(step, context);
      return undefined;
    case 'closeTab':
      await closeTab(step, context);
      return undefined;
    case 'upload':
      await uploadFiles(step, context);
      return undefined;
  }
}

async function goto(url: string, context: StepContext): Promise<void> {
  const { page, signal, timeoutMs } = context;
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'load', timeout: remainingMs(context), signal });
  } catch (error) {
    // A cancelled run closes the page, which Chromium reports as a network error; leave that to toStepError.
    if (signal?.aborted) throw error;
    if (isTimeoutError(error)) {
      throw new StepError('timeout', `${url} did not finish loading within ${formatSeconds(timeoutMs)}`, { cause: error });
    }
    const reason = error instanceof Error ? describeNetworkError(error.message) : undefined;
    if (reason) throw new StepError('navigation-failed', `Could not open ${url}: ${reason}`, { cause: error });
    throw error;
  }
  // null for navigations within the same document (a #fragment), which cannot fail.
  const status = response?.status() ?? 0;
  if (status >= 400) {
    const statusText = response?.statusText();
    throw new StepError('navigation-failed', `Could not open ${url}: the server answered HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
  }
}

/** Ticks or clears a checkbox, or chooses a radio button; Playwright's refusals in plain words. */
async function setChecked(checked: boolean, target: Target, box: Locator, context: StepContext): Promise<void> {
  try {
    await box.setChecked(checked, { timeout: remainingMs(context), signal: context.signal });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Not a checkbox or radio button/.test(message)) throw new StepError('action-failed', `${describeTarget(target)} is not a checkbox or radio button`, { cause: error });
    if (/Cannot uncheck radio button/.test(message)) {
      throw new StepError('action-failed', `${describeTarget(target)} is a radio button: choose another option of its group instead`, { cause: error });
    }
    throw error;
  }
}
