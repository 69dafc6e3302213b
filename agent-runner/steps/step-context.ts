import type { Locator, Page } from 'playwright-core';
import type { Target } from '../../protocol/index.ts';
import type { RunTabs } from '../browser/run-tabs.ts';
import type { Attachment } from '../connection/attachments.ts';
import { formatSeconds } from './format-seconds.ts';
import { isTimeoutError } from './playwright-error.ts';
import { resolveTarget, type TargetAction } from './resolve-target.ts';
import { StepError } from './step-error.ts';

/** What each step's code needs: the tabs (the current one to act on), the cancellation signal and the time left. */
export type StepContext = {
  tabs: RunTabs;
  /** The tab the step acts on: the current one when it started. */
  page: Page;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  deadline: number;
  /** Fetches a conversation attachment for `upload`; absent where no server is reachable. */
  attachment?: (id: string) => Promise<Attachment>;
};

/** Time left before the step's deadline; at least 1 ms because Playwright reads 0 as "no timeout". */
export function remainingMs(context: StepContext): number {
  return Math.max(1, context.deadline - Date.now());
}

export function resolve(target: Target, action: TargetAction, context: StepContext): Promise<Locator> {
  return resolveTarget({ page: context.page, target, action, timeoutMs: remainingMs(context), ...(context.signal && { signal: context.signal }) });
}

/** Waits for a page that the action started loading, if any, so the next step sees it complete. */
export async function waitForLoad(context: StepContext, page: Page = context.page): Promise<void> {
  try {
    await page.waitForLoadState('load', { timeout: remainingMs(context), signal: context.signal });
  } catch (error) {
    if (!isTimeoutError(error)) throw error;
    throw new StepError('timeout', `The page did not finish loading within ${formatSeconds(context.timeoutMs)}`, { cause: error });
  }
}
