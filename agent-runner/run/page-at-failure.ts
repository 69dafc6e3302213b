import type { Page } from 'playwright-core';
import { MAX_OUTPUT_URL_LENGTH, MAX_PAGE_SNAPSHOT_LENGTH, type StepOutput } from '../../protocol/index.ts';

/**
 * What the page looked like when a step failed: its URL and Playwright's ARIA snapshot (roles,
 * names and text, compact YAML), which the server's planner reads to repair the plan. Nothing
 * when the page cannot say within `timeoutMs`: a failed step must not fail twice.
 */
export async function pageAtFailure(page: Page, timeoutMs: number): Promise<Pick<StepOutput, 'url' | 'snapshot'>> {
  const url = page.url().slice(0, MAX_OUTPUT_URL_LENGTH);
  try {
    const snapshot = await page.locator('body').ariaSnapshot({ timeout: timeoutMs });
    const clipped = snapshot.length > MAX_PAGE_SNAPSHOT_LENGTH ? `${snapshot.slice(0, MAX_PAGE_SNAPSHOT_LENGTH - 20)}\n… (snapshot cut)` : snapshot;
    return { url, snapshot: clipped };
  } catch {
    return { url };
  }
}
