import type { Dialog, Page } from 'playwright-core';
import type { StepOfType } from '../../protocol/index.ts';
import { untilAborted } from '../ai/until-aborted.ts';
import { formatSeconds } from './format-seconds.ts';
import { remainingMs, type StepContext } from './step-context.ts';
import { StepError } from './step-error.ts';

/** Tabs listed when a `switchTab` step names one the run does not have. */
const MAX_LISTED_TABS = 10;

/** Makes the tab at a position (from 1), or the first whose address or title contains the text (ignoring case), the current one. */
export async function switchTab(step: StepOfType<'switchTab'>, context: StepContext): Promise<void> {
  const { tabs } = context;
  const open = tabs.open();
  let tab: Page | undefined;
  if (typeof step.to === 'number') {
    tab = open[step.to - 1];
    if (!tab) throw new StepError('action-failed', `There is no tab ${step.to}: the run has ${open.length === 1 ? 'one tab' : `${open.length} tabs`} open`);
  } else {
    const wanted = step.to.toLowerCase();
    const titles = await Promise.all(open.map((page) => page.title().catch(() => '')));
    tab = open.find((page, index) => page.url().toLowerCase().includes(wanted) || titles[index]!.toLowerCase().includes(wanted));
    if (!tab) {
      const listed = open.slice(0, MAX_LISTED_TABS).map((page, index) => `${index + 1}: ${titles[index] ? `"${titles[index]}" ` : ''}${page.url()}`);
      throw new StepError('action-failed', `No tab's address or title contains "${step.to}"; the open tabs are ${listed.join(', ')}`);
    }
  }
  await tabs.switchTo(tab);
}

/**
 * Closes the current tab, giving its page the chance to ask "leave this page?" (answered as the
 * step's dialogs are), and makes the tab it came from the current one. Closing the only tab
 * would leave the run nothing to act on.
 */
export async function closeTab(step: StepOfType<'closeTab'>, context: StepContext): Promise<void> {
  const { tabs } = context;
  if (tabs.open().length === 1) throw new StepError('action-failed', 'Cannot close the only tab the run has open');
  const page = tabs.current();
  let settle!: (outcome: 'closed' | 'kept' | 'late') => void;
  const outcome = new Promise<'closed' | 'kept' | 'late'>((resolve) => (settle = resolve));
  const onClose = () => settle('closed');
  // The page may ask to stay; only a step that dismisses dialogs keeps it open.
  const onDialog = (dialog: Dialog) => {
    if (dialog.type() === 'beforeunload' && step.dialog === 'dismiss') settle('kept');
  };
  const timer = setTimeout(() => settle('late'), remainingMs(context));
  page.once('close', onClose);
  page.on('dialog', onDialog);
  try {
    await page.close({ runBeforeUnload: true });
    if ((await outcome) === 'late') throw new StepError('timeout', `The tab did not close within ${formatSeconds(context.timeoutMs)}`);
  } finally {
    clearTimeout(timer);
    page.off('close', onClose);
    page.off('dialog', onDialog);
  }
  if (!page.isClosed()) {
    // The page runs no script until its dialog is answered: once this evaluates, the dialog is gone
    // and the tab can be closed by a later step.
    await untilAborted(page.evaluate('0'), AbortSignal.timeout(remainingMs(context))).catch(() => {});
    throw new StepError('action-failed', 'The page asked to stay open, and the step dismisses dialogs: the tab was not closed');
  }
  await tabs.switchTo(tabs.current());
}
