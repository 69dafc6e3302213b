import type { StepOfType } from '../../protocol/index.ts';
import { remainingMs, resolve, type StepContext } from './step-context.ts';

/**
 * Scrolls an element into view, or the page to its top or bottom, or by an amount. Instantly,
 * even on pages that ask for smooth scrolling, so the screenshot after the step shows where
 * the page ends up rather than a frame of the animation.
 */
export async function scrollPage(step: StepOfType<'scroll'>, context: StepContext): Promise<void> {
  if (step.target !== undefined) {
    await (await resolve(step.target, 'scroll', context)).scrollIntoViewIfNeeded({ timeout: remainingMs(context), signal: context.signal });
    return;
  }
  await context.page.evaluate(({ to, by }) => {
    if (to === 'top') window.scrollTo({ top: 0, behavior: 'instant' });
    else if (to === 'bottom') window.scrollTo({ top: (document.scrollingElement ?? document.documentElement).scrollHeight, behavior: 'instant' });
    else if (by) window.scrollBy({ left: by.x, top: by.y, behavior: 'instant' });
  }, { to: step.to, by: step.by });
}
