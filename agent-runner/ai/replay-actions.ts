import type { Locator, Page } from 'playwright-core';
import type { ResolvedAction } from '../../protocol/index.ts';
import { locateStagehandSelector, registerDeepXPathEngine } from '../browser/deep-xpath-engine.ts';
import { StepError } from '../steps/step-error.ts';

export type ReplayActionsOptions = {
  page: Page;
  actions: readonly ResolvedAction[];
  /** How long each action may wait for its element, in milliseconds. */
  timeoutMs: number;
  signal: AbortSignal;
};

type Perform = (locator: Locator, args: readonly string[], options: { timeout: number; signal: AbortSignal }) => Promise<unknown>;

/** What each method Stagehand resolves to (and Playwright's own names) does, in Playwright. */
const METHODS: Record<string, Perform> = {
  click: (locator, [button], options) => locator.click({ ...options, ...((button === 'right' || button === 'middle') && { button }) }),
  doubleClick: (locator, _args, options) => locator.dblclick(options),
  dblclick: (locator, _args, options) => locator.dblclick(options),
  hover: (locator, _args, options) => locator.hover(options),
  fill: (locator, [value = ''], options) => locator.fill(value, options),
  type: (locator, [text = ''], options) => locator.pressSequentially(text, options),
  press: (locator, [key = ''], options) => locator.press(key, options),
  selectOption: (locator, [option = ''], options) => locator.selectOption(option, options),
  selectOptionFromDropdown: (locator, [option = ''], options) => locator.selectOption(option, options),
  check: (locator, _args, options) => locator.check(options),
  uncheck: (locator, _args, options) => locator.uncheck(options),
  // The percentage of scrollTo is Stagehand's; bringing the element into view is what later actions need.
  scrollTo: (locator, _args, options) => locator.scrollIntoViewIfNeeded(options),
  scrollIntoView: (locator, _args, options) => locator.scrollIntoViewIfNeeded(options),
};

/**
 * Performs actions an AI step resolved to, with Playwright alone: no model, no Stagehand. Throws
 * StepError('target-not-found') when an element is no longer there and 'action-failed' for a
 * method that cannot be replayed, so the caller can heal the step through the model.
 */
export async function replayActions(options: ReplayActionsOptions): Promise<void> {
  const { page, actions, timeoutMs, signal } = options;
  await registerDeepXPathEngine();
  for (const [position, action] of actions.entries()) {
    const perform = METHODS[action.method];
    if (!perform) throw new StepError('action-failed', `Cannot replay "${action.method}" (action ${position + 1})`);
    const locator = locateStagehandSelector(page, action.selector).first();
    try {
      await locator.waitFor({ state: 'attached', timeout: timeoutMs, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new StepError('target-not-found', `The element of action ${position + 1} (${action.description ?? action.method}) is no longer on the page`, { cause: error });
    }
    await perform(locator, action.arguments, { timeout: timeoutMs, signal });
    // A click or key press may start loading a page; the next action needs it loaded.
    await page.waitForLoadState('load', { timeout: timeoutMs, signal });
  }
}
