import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import { describeTarget, MAX_OUTPUT_TEXT_LENGTH, MAX_OUTPUT_URL_LENGTH, isStorableText, toStorableText } from '../../protocol/index.ts';
import type { Step, StepOfType, StepOutput, StepResolution, Target } from '../../protocol/index.ts';
import { needsModel, type AiStep } from '../ai/ai-step-context.ts';
import { executeAiStep, type AiServices } from '../ai/execute-ai-step.ts';
import type { ModelCallRef } from '../connection/model-calls.ts';
import { formatSeconds } from './format-seconds.ts';
import { describeNetworkError } from './navigation-error.ts';
import { isTimeoutError, toStepError } from './playwright-error.ts';
import { resolveTarget, type TargetAction } from './resolve-target.ts';
import { StepError } from './step-error.ts';

/** Option labels listed when a `select` step names an option that does not exist. */
const MAX_LISTED_OPTIONS = 10;

export type ExecuteStepOptions = {
  page: Page;
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
};

/** What each step's code needs: the page, the cancellation signal and the time left. */
type StepContext = {
  page: Page;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  deadline: number;
};

/**
 * Runs one step on the page. Resolves with the page's URL afterwards (and the text read,
 * for `extract`, and what an AI step saw and resolved to); rejects with a StepError whose
 * message says what went wrong in plain words.
 */
export async function executeStep(options: ExecuteStepOptions): Promise<StepOutput> {
  const { page, step, signal, ai } = options;
  const timeoutMs = step.timeoutMs ?? options.timeoutMs;
  const context: StepContext = { page, signal, timeoutMs, deadline: Date.now() + timeoutMs };
  try {
    signal?.throwIfAborted();
    let output: StepOutput;
    if (needsModel(step)) {
      if (!ai) throw new StepError('model-unavailable', 'This runner has no connection to a model for AI steps');
      output = await executeAiStep({ page, step, ref: ai.ref, services: ai.services, ...(ai.compiled && { compiled: ai.compiled }), timeoutMs, ...(signal && { signal }) });
    } else {
      const text = await runStep(step, context);
      output = text !== undefined ? { text } : {};
    }
    const url = page.url();
    return { ...output, ...(url.length <= MAX_OUTPUT_URL_LENGTH && isStorableText(url) && { url }) /* a longer (data:) URL is left out, not cut into a wrong one */ };
  } catch (error) {
    throw toStepError(error, { timeoutMs, signal });
  }
}

/** Returns the text an `extract` step read; undefined for every other step. */
async function runStep(step: Exclude<Step, AiStep>, context: StepContext): Promise<string | undefined> {
  const { page, signal } = context;
  switch (step.type) {
    case 'goto':
      await goto(step.url, context);
      return undefined;
    case 'click':
      await (await resolve(step.target, 'click', context)).click({ timeout: remainingMs(context), signal });
      await waitForLoad(context);
      return undefined;
    case 'fill':
      await (await resolve(step.target, 'fill', context)).fill(step.value, { timeout: remainingMs(context), signal });
      return undefined;
    case 'press':
      if (step.target === undefined) await page.keyboard.press(step.key);
      else await (await resolve(step.target, 'press', context)).press(step.key, { timeout: remainingMs(context), signal });
      // Enter in a form submits it.
      await waitForLoad(context);
      return undefined;
    case 'select':
      await select(step, context);
      await waitForLoad(context);
      return undefined;
    case 'wait':
      await wait(step, context);
      return undefined;
    case 'extract': {
      // An extract step has a target or an instruction; one with an instruction is an AI step.
      if (step.target === undefined) throw new StepError('action-failed', 'The extract step has no target');
      const text = await (await resolve(step.target, 'read', context)).innerText({ timeout: remainingMs(context), signal });
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

async function select(step: StepOfType<'select'>, context: StepContext): Promise<void> {
  const list = await resolve(step.target, 'select', context);
  const match = await list.evaluate(
    (element, wanted) => {
      if (!(element instanceof HTMLSelectElement)) return { by: 'not-a-list' as const, labels: [] };
      const options = [...element.options];
      if (options.some((option) => option.label === wanted)) return { by: 'label' as const, labels: [] };
      if (options.some((option) => option.value === wanted)) return { by: 'value' as const, labels: [] };
      return { by: 'none' as const, labels: options.map((option) => option.label) };
    },
    step.option,
    { timeout: remainingMs(context) },
  );
  const target = describeTarget(step.target);
  switch (match.by) {
    case 'not-a-list':
      throw new StepError('action-failed', `${target} is not a drop-down list (<select>)`);
    case 'none': {
      const listed = match.labels.slice(0, MAX_LISTED_OPTIONS).map((label) => `"${label}"`);
      if (match.labels.length > MAX_LISTED_OPTIONS) listed.push('…');
      const offers = listed.length === 0 ? 'it has no options' : `it offers ${listed.join(', ')}`;
      throw new StepError('action-failed', `${target} has no option labelled or valued "${step.option}"; ${offers}`);
    }
    case 'label':
    case 'value':
      await list.selectOption({ [match.by]: step.option }, { timeout: remainingMs(context), signal: context.signal });
  }
}

async function wait(step: StepOfType<'wait'>, context: StepContext): Promise<void> {
  if (step.text === undefined) {
    // A pause the plan asked for, so the step timeout does not cut it short; cancelling does.
    await sleep(step.ms ?? 0, undefined, { signal: context.signal });
    return;
  }
  if (!(await showsText(step.text, context))) {
    throw new StepError('timeout', `"${step.text}" did not appear within ${formatSeconds(context.timeoutMs)}`);
  }
}

/** Whether visible text containing `text` (ignoring case) appears before the deadline. */
async function showsText(text: string, context: StepContext): Promise<boolean> {
  try {
    await context.page
      .getByText(text)
      .filter({ visible: true })
      .first()
      .waitFor({ state: 'attached', timeout: remainingMs(context), signal: context.signal });
    return true;
  } catch (error) {
    if (isTimeoutError(error)) return false;
    throw error;
  }
}

/** Waits for a page that the action started loading, if any, so the next step sees it complete. */
async function waitForLoad(context: StepContext): Promise<void> {
  try {
    await context.page.waitForLoadState('load', { timeout: remainingMs(context), signal: context.signal });
  } catch (error) {
    if (!isTimeoutError(error)) throw error;
    throw new StepError('timeout', `The page did not finish loading within ${formatSeconds(context.timeoutMs)}`, { cause: error });
  }
}

function resolve(target: Target, action: TargetAction, context: StepContext): Promise<Locator> {
  return resolveTarget({ page: context.page, target, action, timeoutMs: remainingMs(context), signal: context.signal });
}

/** Time left before the step's deadline; at least 1 ms because Playwright reads 0 as "no timeout". */
function remainingMs(context: StepContext): number {
  return Math.max(1, context.deadline - Date.now());
}
