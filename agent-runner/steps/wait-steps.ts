import { setTimeout as sleep } from 'node:timers/promises';
import type { StepOfType } from '../../protocol/index.ts';
import { formatSeconds } from './format-seconds.ts';
import { isTimeoutError } from './playwright-error.ts';
import { remainingMs, type StepContext } from './step-context.ts';
import { StepError } from './step-error.ts';

export async function wait(step: StepOfType<'wait'>, context: StepContext): Promise<void> {
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
export async function showsText(text: string, context: StepContext): Promise<boolean> {
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

/**
 * Waits until the page's address contains the text (as sent, or percent-decoded: "café" finds
 * `caf%C3%A9`), and the page it names has loaded.
 */
export async function waitForUrl(step: StepOfType<'waitForUrl'>, context: StepContext): Promise<void> {
  const { page, signal } = context;
  try {
    await page.waitForURL((url) => addressContains(url.href, step.contains), { timeout: remainingMs(context), signal, waitUntil: 'load' });
  } catch (error) {
    if (!isTimeoutError(error)) throw error;
    const within = formatSeconds(context.timeoutMs);
    const address = page.url();
    const message = addressContains(address, step.contains)
      ? `${address} did not finish loading within ${within}`
      : `The address did not come to contain "${step.contains}" within ${within}; it is ${address}`;
    throw new StepError('timeout', message, { cause: error });
  }
}

function addressContains(address: string, text: string): boolean {
  if (address.includes(text)) return true;
  try {
    return decodeURI(address).includes(text);
  } catch {
    return false; // malformed percent-encoding
  }
}
