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

describe('resolveTarget in frames and shadow roots', () => {
  test.beforeEach(async ({ page, server }) => {
    await page.goto(server.url(`/frames.html?wallet=${encodeURIComponent(server.crossSiteUrl('/frame-wallet.html'))}`));
  });

  test('a bare string is found in a same-origin frame, a nested frame and a cross-site frame in its own process', async ({ page }) => {
    expect(await resolvedId(page, 'Card number', 'fill')).toBe('number');
    expect(await resolvedId(page, 'Confirm payment', 'click')).toBe('confirm');
    // The exact "Pay" in the wallet frame beats "Pay later" in the page, which matches only in part.
    expect(await resolvedId(page, 'Pay', 'click')).toBe('wallet-pay');
    const wallet = page.frames().find((frame) => frame.url().startsWith('http://localhost:'));
    // Only a frame in a process of its own has a CDP session of its own.
    await expect(page.context().newCDPSession(wallet!)).resolves.toBeDefined();
    // Within one strategy the page comes before its frames.
    expect(await resolvedId(page, 'Help', 'click')).toBe('page-help');
  });

  test('open shadow roots are searched, in the page and in a cross-site frame', async ({ page }) => {
    expect(await resolvedId(page, 'Apply coupon', 'click')).toBe('apply-coupon');
    expect(await resolvedId(page, { by: 'placeholder', placeholder: 'Voucher code' }, 'fill')).toBe('voucher');
    const voucher = await resolveTarget({ page, target: 'Voucher code', action: 'fill', timeoutMs: 2000 });
    await voucher.fill('SPRING');
    expect(await page.frameLocator('#wallet').locator('voucher-field input').inputValue()).toBe('SPRING');
  });

  test('a target naming its frame is looked for in that frame only, nested levels joined by >>', async ({ page }) => {
    expect(await resolvedId(page, { by: 'role', role: 'button', name: 'Pay', frame: '#wallet' }, 'click')).toBe('wallet-pay');
    expect(await resolvedId(page, { by: 'role', role: 'button', name: 'Help', frame: '#card' }, 'click')).toBe('card-help');
    expect(await resolvedId(page, { by: 'selector', selector: 'button', frame: '#card >> #confirm-frame' }, 'click')).toBe('confirm');
    expect((await notFound(page, { by: 'text', text: 'Checkout', frame: '#card' }, 'read')).message).toBe(
      'Could not find the text "Checkout" in the frame #card within 0.3 s',
    );
    expect((await notFound(page, { by: 'label', label: 'Card number', frame: '#card >> #payment' }, 'fill')).message).toBe(
      'Could not find the field labelled "Card number" in the frame #card >> #payment within 0.3 s (no frame matches #payment)',
    );
    expect((await notFound(page, { by: 'selector', selector: 'button', frame: 'iframe' }, 'click')).message).toBe('More than one frame matches iframe: name one');
    expect((await notFound(page, { by: 'text', text: 'Pay', frame: 'iframe[' }, 'click')).message).toBe('iframe[ is not a valid CSS selector of a frame');
  });

  test('the content of a frame that is not shown does not count', async ({ page }) => {
    const inTracker = page.frameLocator('#tracker').locator('#track');
    await inTracker.waitFor({ state: 'attached' });
    // Seen from inside its frame the button is visible; the frame itself is not.
    expect(await inTracker.filter({ visible: true }).count()).toBe(1);
    expect((await notFound(page, 'Track me', 'click')).message).toMatch(/^No element matches "Track me" .* within 0\.3 s$/);
  });
});

describe('resolveTarget waiting for frames', () => {
  test('finds an element in a frame that is added after the page loaded', async ({ page, server }) => {
    await page.goto(server.url('/frames.html?lateMs=300'));
    expect(page.frames().some((frame) => frame.url().endsWith('/frame-late.html'))).toBe(false);
    const button = await resolveTarget({ page, target: 'Late frame button', action: 'click', timeoutMs: 5000 });
    expect(await button.getAttribute('id')).toBe('late-button');
  });
});
