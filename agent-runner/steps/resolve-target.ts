import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { describeTarget } from '../../protocol/index.ts';
import type { Target } from '../../protocol/index.ts';
import { formatSeconds } from './format-seconds.ts';
import { isTimeoutError } from './playwright-error.ts';
import { StepError } from './step-error.ts';

/** What the step will do with the element; decides which roles a bare string may name. */
export type TargetAction = 'click' | 'fill' | 'select' | 'press' | 'read' | 'hover' | 'check' | 'scroll' | 'upload';

type AriaRole = Parameters<Page['getByRole']>[0];

const CLICKABLE_ROLES: readonly AriaRole[] = [
  'button', 'link', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'tab', 'checkbox', 'radio', 'switch', 'option', 'treeitem',
];
const TEXT_FIELD_ROLES: readonly AriaRole[] = ['textbox', 'searchbox', 'combobox', 'spinbutton'];
const LIST_ROLES: readonly AriaRole[] = ['combobox', 'listbox'];
const CHECKABLE_ROLES: readonly AriaRole[] = ['checkbox', 'radio', 'switch', 'menuitemcheckbox', 'menuitemradio'];
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
  hover: [CLICKABLE_ROLES, READABLE_ROLES],
  check: [CHECKABLE_ROLES],
  scroll: [['heading'], READABLE_ROLES],
  // Chromium exposes a file input as a button named by its label.
  upload: [['button']],
};

/** How the role group is named in a "not found" message. */
const ROLE_WORDS: Record<TargetAction, string> = {
  click: 'a button or link',
  fill: 'a text field',
  press: 'a text field',
  select: 'a drop-down list',
  read: 'a heading or other element',
  hover: 'a button, link or other element',
  check: 'a checkbox or radio button',
  scroll: 'a heading or other element',
  upload: 'a file input',
};

/** Where elements are looked for: the page, one of its frames, or the frame a target names. */
type Scope = Page | Frame | FrameLocator;

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
 * Object targets pin one strategy. Only visible elements count (except for `upload`: file
 * inputs are usually hidden behind a styled button); the first on the page wins within a
 * strategy. Throws StepError('target-not-found') when nothing matches in time.
 *
 * Frames: a target without `frame` is looked for in the page and in every frame shown in it
 * (same-origin or not, nested), strategy by strategy, the page before its frames; so an exact
 * match in a frame beats a partial one in the page. A target with `frame` is looked for in that
 * frame only. Playwright's CSS and role engines pierce open shadow roots in either case.
 */
export async function resolveTarget(options: ResolveTargetOptions): Promise<Locator> {
  const { page, target, action, timeoutMs, signal } = options;
  const deadline = Date.now() + timeoutMs;
  const cssText = typeof target === 'string' ? target : target.by === 'selector' ? target.selector : undefined;
  const isCss = cssText !== undefined && (await isCssSelector(page, cssText));
  if (typeof target !== 'string' && target.by === 'selector' && !isCss) {
    throw new StepError('target-not-found', `${target.selector} is not a valid CSS selector`);
  }
  const framePath = typeof target === 'string' ? undefined : target.frame;
  const pinnedFrame = framePath === undefined ? undefined : await frameLocatorOf(page, framePath);
  const strategies = (scope: Scope) => (typeof target === 'string' ? textCandidates(scope, target, action, isCss) : pinnedCandidates(scope, target));
  const counted = (locator: Locator) => (action === 'upload' ? locator : locator.filter({ visible: true }));

  for (;;) {
    // Watched before the frames are listed, so a frame attached meanwhile is not missed.
    const frames = pinnedFrame ? undefined : watchFrames(page);
    let scopes: Scope[] = [];
    let candidates: Locator[][] = [];
    let outcome: 'found' | 'frames-changed';
    try {
      scopes = pinnedFrame ? [pinnedFrame] : await shownFrames(page);
      candidates = scopes.map((scope) => strategies(scope).map(counted));
      // One wait per scope on the union of its strategies lets Playwright watch them all at once.
      outcome = await firstOf(candidates.map(anyOf), { deadline, ...(frames && { framesChanged: frames.changed }), ...(signal && { signal }) });
    } catch (error) {
      if (pinnedFrame && error instanceof Error && /strict mode violation/.test(error.message)) {
        throw new StepError('target-not-found', `More than one frame matches ${framePath}: name one`, { cause: error });
      }
      if (!isTimeoutError(error)) throw error;
      const hiddenCounts = await Promise.all(scopes.map((scope) => anyOf(strategies(scope)).count().catch(() => 0)));
      const hiddenCount = action === 'upload' ? 0 : hiddenCounts.reduce((sum, count) => sum + count, 0);
      const noFrame = framePath === undefined ? undefined : await missingFrame(page, framePath);
      throw new StepError('target-not-found', notFoundMessage({ target, action, isCss, timeoutMs, hiddenCount, noFrame }), { cause: error });
    } finally {
      frames?.stop();
    }
    if (outcome === 'found') {
      const found = await firstMatch(candidates);
      if (found) return found;
    }
    // The frames changed, or the match vanished between the wait and the count (the page re-rendered): look again.
  }
}

function textCandidates(scope: Scope, text: string, action: TargetAction, isCss: boolean): Locator[] {
  const named = (exact: boolean) => [
    ...ROLE_GROUPS[action].map((roles) => anyOf(roles.map((role) => scope.getByRole(role, { name: text, exact })))),
    scope.getByLabel(text, { exact }),
    scope.getByPlaceholder(text, { exact }),
  ];
  return [
    ...named(true),
    ...named(false),
    scope.getByText(text, { exact: true }),
    scope.getByText(text),
    ...(isCss ? [scope.locator(`css=${text}`)] : []),
  ];
}

function pinnedCandidates(scope: Scope, target: Exclude<Target, string>): Locator[] {
  switch (target.by) {
    case 'role':
      return [scope.getByRole(target.role, { name: target.name, exact: true }), scope.getByRole(target.role, { name: target.name })];
    case 'label':
      return [scope.getByLabel(target.label, { exact: true }), scope.getByLabel(target.label)];
    case 'placeholder':
      return [scope.getByPlaceholder(target.placeholder, { exact: true }), scope.getByPlaceholder(target.placeholder)];
    case 'text':
      return [scope.getByText(target.text, { exact: true }), scope.getByText(target.text)];
    case 'selector':
      return [scope.locator(`css=${target.selector}`)];
  }
}

/**
 * The page's main frame, then every frame whose `<iframe>` is shown, depth first. A hidden
 * frame's content can look visible from inside it, so it is left out with its own frames.
 */
async function shownFrames(page: Page): Promise<Frame[]> {
  const shown: Frame[] = [];
  const visit = async (frame: Frame): Promise<void> => {
    shown.push(frame);
    const children = frame.childFrames();
    const visible = await Promise.all(children.map(isFrameShown));
    for (const [index, child] of children.entries()) if (visible[index]) await visit(child);
  };
  await visit(page.mainFrame());
  return shown;
}

async function isFrameShown(frame: Frame): Promise<boolean> {
  try {
    const element = await frame.frameElement();
    try {
      return await element.isVisible();
    } finally {
      void element.dispose().catch(() => {});
    }
  } catch {
    return false; // detached meanwhile
  }
}

/**
 * Resolves when a frame is attached, detached or loads a document (at attach time a frame may
 * not be shown yet), so the search looks at the frames as they are now.
 */
function watchFrames(page: Page): { changed: Promise<'frames-changed'>; stop(): void } {
  let changedNow!: () => void;
  const changed = new Promise<'frames-changed'>((resolve) => (changedNow = () => resolve('frames-changed')));
  const navigated = (frame: Frame) => {
    if (frame !== page.mainFrame()) changedNow();
  };
  page.on('frameattached', changedNow);
  page.on('framedetached', changedNow);
  page.on('framenavigated', navigated);
  return {
    changed,
    stop() {
      page.off('frameattached', changedNow);
      page.off('framedetached', changedNow);
      page.off('framenavigated', navigated);
    },
  };
}

/**
 * Resolves with 'found' once one of `unions` (one per scope, the page's first) has an element,
 * or with 'frames-changed' when `framesChanged` does. Throws Playwright's TimeoutError at the
 * deadline, and anything the first scope's search throws.
 */
async function firstOf(unions: Locator[], options: { deadline: number; framesChanged?: Promise<'frames-changed'>; signal?: AbortSignal }): Promise<'found' | 'frames-changed'> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const timeout = Math.max(1, options.deadline - Date.now());
  try {
    return await Promise.race([
      ...(options.framesChanged ? [options.framesChanged] : []),
      ...unions.map((union, index) =>
        union
          .first()
          .waitFor({ state: 'attached', timeout, signal })
          .then(
            () => 'found' as const,
            (error: unknown) => {
              // A frame that became unreachable drops out of this round; its detaching starts the next.
              if (index > 0 && options.framesChanged && !isTimeoutError(error) && !options.signal?.aborted) return new Promise<never>(() => {});
              throw error;
            },
          ),
      ),
    ]);
  } finally {
    stop.abort(); // the waits still running
  }
}

/**
 * The best match: strategy by strategy, and within one the page before its frames. Scopes are
 * counted first, so a page without frames costs what it did before frames were searched.
 */
async function firstMatch(candidates: Locator[][]): Promise<Locator | undefined> {
  const counts = await Promise.all(candidates.map((scope) => anyOf(scope).count().catch(() => 0)));
  const strategyCount = candidates[0]?.length ?? 0;
  for (let strategy = 0; strategy < strategyCount; strategy++) {
    for (const [scope, list] of candidates.entries()) {
      const candidate = list[strategy]!;
      if (counts[scope]! > 0 && (await candidate.count().catch(() => 0)) > 0) return candidate.first();
    }
  }
  return undefined;
}

/** The frame a target names: each level a CSS selector of an `<iframe>`, joined by ` >> `. */
async function frameLocatorOf(page: Page, path: string): Promise<FrameLocator> {
  const levels = frameLevels(path);
  for (const level of levels) {
    if (!(await isCssSelector(page, level))) throw new StepError('target-not-found', `${level} is not a valid CSS selector of a frame`);
  }
  let scope: Page | FrameLocator = page;
  for (const level of levels) scope = scope.locator(`css=${level}`).contentFrame();
  return scope as FrameLocator;
}

/** The first level of a frame path that matches no element, for the "not found" message. */
async function missingFrame(page: Page, path: string): Promise<string | undefined> {
  let scope: Page | FrameLocator = page;
  for (const level of frameLevels(path)) {
    const element: Locator = scope.locator(`css=${level}`);
    if ((await element.count().catch(() => 0)) === 0) return level;
    scope = element.contentFrame();
  }
  return undefined;
}

function frameLevels(path: string): string[] {
  return path.split('>>').map((level) => level.trim()).filter((level) => level !== '');
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

type NotFound = { target: Target; action: TargetAction; isCss: boolean; timeoutMs: number; hiddenCount: number; noFrame: string | undefined };

function notFoundMessage({ target, action, isCss, timeoutMs, hiddenCount, noFrame }: NotFound): string {
  const within = `within ${formatSeconds(timeoutMs)}`;
  const hidden = hiddenCount === 0 ? '' : ` (${hiddenCount} matching element${hiddenCount === 1 ? ' is' : 's are'} hidden)`;
  if (typeof target !== 'string') return `Could not find ${describeTarget(target)} ${within}${noFrame ? ` (no frame matches ${noFrame})` : hidden}`;
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
