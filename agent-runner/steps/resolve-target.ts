import type { Locator, Page } from 'playwright-core';
import { describeTarget } from '../../protocol/index.ts';
import type { Target } from '../../protocol/index.ts';
import { formatSeconds } from './format-seconds.ts';
import { isTimeoutError } from './playwright-error.ts';
import { StepError } from './step-error.ts';

/** What the step will do with the element; decides which roles a bare string may name. */
export type TargetAction = 'click' | 'fill' | 'select' | 'press' | 'read';

type AriaRole = Parameters<Page['getByRole']>[0];

const CLICKABLE_ROLES: readonly AriaRole[] = [
  'button', 'link', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'tab', 'checkbox', 'radio', 'switch', 'option', 'treeitem',
];
const TEXT_FIELD_ROLES: readonly AriaRole[] = ['textbox', 'searchbox', 'combobox', 'spinbutton'];
const LIST_ROLES: readonly AriaRole[] = ['combobox', 'listbox'];
/** Named elements worth reading besides headings: landmarks, containers and controls. */
const READABLE_ROLES: readonly AriaRole[] = [
  'region', 'article', 'dialog', 'alertdialog', 'alert', 'status', 'group', 'table', 'cell', 'row', 'listitem',
  'tabpanel', 'figure', 'img', 'navigation', 'main', 'complementary', 'form', ...CLICKABLE_ROLES, ...TEXT_FIELD_ROLES, 'listbox',
];

/** Roles a bare string is matched against, best group first; within a group the first element on the page wins. */
const ROLE_GROUPS: Record<TargetAction, readonly (readonly AriaRole[])[]> = {
  click: [CLICKABLE_ROLES],
  fill: [TEXT_FIELD_ROLES],
  press: [TEXT_FIELD_ROLES],
  select: [LIST_ROLES],
  read: [['heading'], READABLE_ROLES],
};

/** How the role group is named in a "not found" message. */
const ROLE_WORDS: Record<TargetAction, string> = {
  click: 'a button or link',
  fill: 'a text field',
  press: 'a text field',
  select: 'a drop-down list',
  read: 'a heading or other element',
};

export type ResolveTargetOptions = {
  page: Page;
  target: Target;
  action: TargetAction;
  /** How long to wait for a matching element to appear, in milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
};

/**
 * Finds the one element a step acts on, waiting up to `timeoutMs` for it to appear.
 *
 * A bare string is tried as: an element of a role fitting the action with that accessible
 * name, a label, a placeholder (those three exact, then as a substring), visible text
 * (exact, then substring), and finally a CSS selector if it parses as one. Named elements
 * come before text so that "Search" fills the search box rather than a "Search" heading.
 * Object targets pin one strategy. Only visible elements count; the first on the page
 * wins within a strategy. Throws StepError('target-not-found') when nothing matches in time.
 */
export async function resolveTarget(options: ResolveTargetOptions): Promise<Locator> {
  const { page, target, action, timeoutMs, signal } = options;
  const deadline = Date.now() + timeoutMs;
  const cssText = typeof target === 'string' ? target : target.by === 'selector' ? target.selector : undefined;
  const isCss = cssText !== undefined && (await isCssSelector(page, cssText));
  if (typeof target !== 'string' && target.by === 'selector' && !isCss) {
    throw new StepError('target-not-found', `${target.selector} is not a valid CSS selector`);
  }

  const candidates = typeof target === 'string' ? textCandidates(page, target, action, isCss) : pinnedCandidates(page, target);
  const visibleCandidates = candidates.map((candidate) => candidate.filter({ visible: true }));
  const anyVisible = anyOf(visibleCandidates);
  for (;;) {
    try {
      // One wait on the union lets Playwright watch every strategy at once.
      await anyVisible.first().waitFor({ state: 'attached', timeout: Math.max(1, deadline - Date.now()), signal });
    } catch (error) {
      if (!isTimeoutError(error)) throw error;
      const hiddenCount = await anyOf(candidates).count().catch(() => 0);
      throw new StepError('target-not-found', notFoundMessage(target, action, isCss, timeoutMs, hiddenCount), { cause: error });
    }
    for (const candidate of visibleCandidates) {
      if ((await candidate.count()) > 0) return candidate.first();
    }
    // The match vanished between the wait and the count (the page re-rendered): wait again.
  }
}

function textCandidates(page: Page, text: string, action: TargetAction, isCss: boolean): Locator[] {
  const named = (exact: boolean) => [
    ...ROLE_GROUPS[action].map((roles) => anyOf(roles.map((role) => page.getByRole(role, { name: text, exact })))),
    page.getByLabel(text, { exact }),
    page.getByPlaceholder(text, { exact }),
  ];
  return [
    ...named(true),
    ...named(false),
    page.getByText(text, { exact: true }),
    page.getByText(text),
    ...(isCss ? [page.locator(`css=${text}`)] : []),
  ];
}

function pinnedCandidates(page: Page, target: Exclude<Target, string>): Locator[] {
  switch (target.by) {
    case 'role':
      return [page.getByRole(target.role, { name: target.name, exact: true }), page.getByRole(target.role, { name: target.name })];
    case 'label':
      return [page.getByLabel(target.label, { exact: true }), page.getByLabel(target.label)];
    case 'placeholder':
      return [page.getByPlaceholder(target.placeholder, { exact: true }), page.getByPlaceholder(target.placeholder)];
    case 'text':
      return [page.getByText(target.text, { exact: true }), page.getByText(target.text)];
    case 'selector':
      return [page.locator(`css=${target.selector}`)];
  }
}

function anyOf(locators: readonly Locator[]): Locator {
  const [first, ...rest] = locators;
  if (!first) throw new TypeError('anyOf needs at least one locator');
  return rest.reduce((union, locator) => union.or(locator), first);
}

/** Asks the page's own parser, so "Sign in!" is rejected rather than failing the whole union. */
function isCssSelector(page: Page, text: string): Promise<boolean> {
  return page.evaluate((selector) => {
    try {
      document.createDocumentFragment().querySelector(selector);
      return true;
    } catch {
      return false;
    }
  }, text);
}

function notFoundMessage(target: Target, action: TargetAction, isCss: boolean, timeoutMs: number, hiddenCount: number): string {
  const within = `within ${formatSeconds(timeoutMs)}`;
  const hidden = hiddenCount === 0 ? '' : ` (${hiddenCount} matching element${hiddenCount === 1 ? ' is' : 's are'} hidden)`;
  if (typeof target !== 'string') return `Could not find ${describeTarget(target)} ${within}${hidden}`;
  const quoted = `"${target}"`;
  const lookedFor = [
    `${ROLE_WORDS[action]} named ${quoted}`,
    `a field labelled or with placeholder ${quoted}`,
    `the text ${quoted}`,
    ...(isCss ? ['a CSS selector'] : []),
  ];
  const last = lookedFor.pop();
  return `No element matches ${quoted} (looked for ${lookedFor.join(', ')}, and ${last}) ${within}${hidden}`;
}
