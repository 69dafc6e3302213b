import type { Page } from 'playwright-core';
import { MAX_FULL_PAGE_SCREENSHOT, type RunSettings, type Step } from '../../protocol/index.ts';
import { untilAborted } from '../ai/until-aborted.ts';
import { pageSession } from '../browser/page-session.ts';

export type Picture = { jpeg: Uint8Array; cropped?: { pageWidth: number; pageHeight: number } };

/**
 * The picture after a step, or undefined when none could be taken: a failed screenshot must not
 * fail the step. It gets the run's default step time, not the step's own, which may be tiny.
 */
export async function takeScreenshot(page: Page, step: Step, settings: RunSettings, signal: AbortSignal | undefined): Promise<Picture | undefined> {
  try {
    if (step.type === 'screenshot' && step.fullPage === true) return nonEmpty(await fullPageJpeg(page, settings, signal));
    const timeout = AbortSignal.timeout(settings.stepTimeoutMs);
    return nonEmpty({ jpeg: await untilAborted(viewportJpeg(page, settings.screenshotQuality), signal ? AbortSignal.any([signal, timeout]) : timeout) });
  } catch {
    return undefined;
  }
}

/**
 * The viewport as Chromium composited it last, asked for over CDP. Playwright's page.screenshot
 * first hides the caret in every frame and waits for fonts, each a round trip (more with
 * iframes); the compositor's surface already shows the page as the step left it, since the
 * capture waits for a frame drawn after every change made before it was asked for.
 */
async function viewportJpeg(page: Page, quality: number): Promise<Uint8Array> {
  const session = await pageSession(page);
  const { cssVisualViewport: view } = await session.send('Page.getLayoutMetrics');
  const viewport = page.viewportSize() ?? { width: view.clientWidth, height: view.clientHeight };
  const { data } = await session.send('Page.captureScreenshot', {
    format: 'jpeg',
    quality,
    optimizeForSpeed: true,
    fromSurface: true,
    // The viewport where it is scrolled to (clip is in page coordinates), as Playwright clips it.
    clip: { x: view.pageX, y: view.pageY, width: Math.ceil(viewport.width / view.scale), height: Math.ceil(viewport.height / view.scale), scale: view.scale },
  });
  return Buffer.from(data, 'base64');
}

/**
 * The whole page through Playwright. Past Chromium's texture size a full-page capture fails or
 * comes back empty, and a huge one takes seconds: a page larger than the cap is captured from
 * its top left corner.
 */
async function fullPageJpeg(page: Page, settings: RunSettings, signal: AbortSignal | undefined): Promise<Picture> {
  const options = { type: 'jpeg', quality: settings.screenshotQuality, timeout: settings.stepTimeoutMs, signal } as const;
  const size = await page.evaluate(() => ({
    pageWidth: Math.max(document.documentElement.scrollWidth, document.body?.scrollWidth ?? 0),
    pageHeight: Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0),
  }));
  const width = Math.min(size.pageWidth, MAX_FULL_PAGE_SCREENSHOT.width);
  const height = Math.min(size.pageHeight, MAX_FULL_PAGE_SCREENSHOT.height);
  const cropped = width < size.pageWidth || height < size.pageHeight;
  const jpeg = await page.screenshot({ ...options, fullPage: true, ...(cropped && { clip: { x: 0, y: 0, width, height } }) });
  return { jpeg, ...(cropped && { cropped: size }) };
}

/** A step never claims a picture it does not have: an empty capture counts as none. */
function nonEmpty(picture: Picture): Picture | undefined {
  return picture.jpeg.byteLength > 0 ? picture : undefined;
}
