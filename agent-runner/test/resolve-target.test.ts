import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { Target } from '../../protocol/index.ts';
import { resolveTarget, type TargetAction } from '../steps/resolve-target.ts';
import { StepError } from '../steps/step-error.ts';
import { browserTest as test } from './browser-test.ts';

/** The id of the element a target resolves to. */
async function resolvedId(page: Page, target: Target, action: TargetAction): Promise<string | null> {
  return (await resolveTarget({ page, target, action, timeoutMs: 2000 })).getAttribute('id');
}

async function notFound(page: Page, target: Target, action: TargetAction): Promise<StepError> {
  const error = await resolveTarget({ page, target, action, timeoutMs: 300 }).catch((caught: unknown) => caught);
  if (!StepError.isInstance(error)) throw new Error(`expected a StepError, got ${String(error)}`);
  expect(error.code).toBe('target-not-found');
  return error;
}

describe('resolveTarget', () => {
  test.beforeEach(async ({ page, server }) => {
    await page.goto(server.url('/targets.html'));
  });

  test('picks the element whose role fits the action', async ({ page }) => {
    expect(await resolvedId(page, 'Email', 'click')).toBe('email-button');
    expect(await resolvedId(page, 'Email', 'fill')).toBe('email-field');
    // A field whose name merely contains the text beats a heading that matches it exactly...
    expect(await resolvedId(page, 'Search', 'fill')).toBe('search-box');
    // ...unless the step reads, where headings come first.
    expect(await resolvedId(page, 'Search', 'read')).toBe('search-heading');
  });

  test('prefers an exact name to a substring, then falls back to the substring', async ({ page }) => {
    expect(await resolvedId(page, 'Save', 'click')).toBe('save');
    expect(await resolvedId(page, 'draft', 'click')).toBe('save-draft');
  });

  test('finds links, placeholders, plain text and CSS selectors', async ({ page }) => {
    expect(await resolvedId(page, 'Read the docs', 'click')).toBe('docs-link');
    // A search box has no clickable role, so its placeholder finds it.
    expect(await resolvedId(page, 'Search products', 'click')).toBe('search-box');
    expect(await resolvedId(page, 'Show details', 'click')).toBe('details-toggle');
    expect(await resolvedId(page, '#promo-card', 'click')).toBe('promo-card');
    expect(await resolvedId(page, 'div.card', 'read')).toBe('promo-card');
  });

  test('treats text that is not valid CSS as text only', async ({ page }) => {
    expect(await resolvedId(page, '50% off!', 'click')).toBe('promo-card');
    expect((await notFound(page, 'Buy now!', 'click')).message).toBe(
      'No element matches "Buy now!" (looked for a button or link named "Buy now!", a field labelled or with placeholder "Buy now!", and the text "Buy now!") within 0.3 s',
    );
  });

  test('skips hidden elements, and says when only hidden ones match', async ({ page }) => {
    expect(await resolvedId(page, 'Go', 'click')).toBe('visible-go');
    expect((await notFound(page, 'Secret', 'click')).message).toMatch(/^No element matches "Secret" .* within 0\.3 s \(1 matching element is hidden\)$/);
  });

  test('uses only the strategy an object target pins', async ({ page }) => {
    // Each action would pick another element for the bare string; the pinned strategy overrides it.
    const cases: Array<[Target, TargetAction, string]> = [
      [{ by: 'role', role: 'button', name: 'Email' }, 'fill', 'email-button'],
      [{ by: 'label', label: 'Email' }, 'click', 'email-field'],
      [{ by: 'placeholder', placeholder: 'Search products' }, 'read', 'search-box'],
      [{ by: 'text', text: 'Save' }, 'click', 'save'],
      [{ by: 'selector', selector: '.card' }, 'click', 'promo-card'],
    ];
    for (const [target, action, id] of cases) expect(await resolvedId(page, target, action)).toBe(id);
    expect((await notFound(page, { by: 'label', label: 'Save' }, 'click')).message).toBe('Could not find the field labelled "Save" within 0.3 s');
    expect((await notFound(page, { by: 'selector', selector: 'div[' }, 'click')).message).toBe('div[ is not a valid CSS selector');
  });
});

describe('resolveTarget waiting', () => {
  test('finds an element that appears after the page loaded', async ({ page, server }) => {
    await page.goto(server.url('/late.html?ms=400'));
    expect(await page.getByRole('button').count()).toBe(0);
    const button = await resolveTarget({ page, target: 'Late button', action: 'click', timeoutMs: 5000 });
    expect(await button.textContent()).toBe('Late button');
  });

  test('stops when the signal aborts', async ({ page }) => {
    const controller = new AbortController();
    controller.abort();
    const resolving = resolveTarget({ page, target: 'Sign in', action: 'click', timeoutMs: 30_000, signal: controller.signal });
    await expect(resolving).rejects.toMatchObject({ name: 'AbortError' });
  });
});
