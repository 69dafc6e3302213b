import { BrowserOptionsSchema } from '../../protocol/index.ts';
import type { BrowserOptions } from '../../protocol/index.ts';
import { describeIssue } from './field-issue.ts';
import type { FieldSpec } from './plan-draft.ts';

/**
 * "Window 390×844 · de-DE · Europe/Berlin · uses session "staging" · saves session "staging"":
 * how a plan sets up its browser, in one line for its card.
 */
export function describeBrowserOptions({ viewport, locale, timezoneId, geolocation, userAgent, session }: BrowserOptions): string {
  const parts = [
    viewport && `Window ${viewport.width}×${viewport.height}`,
    locale,
    timezoneId,
    geolocation && `located at ${geolocation.latitude}, ${geolocation.longitude}`,
    userAgent && 'own user agent',
    session?.use && `uses session "${session.use}"`,
    session?.saveAs && `saves session "${session.saveAs}"`,
  ].filter((part) => typeof part === 'string' && part !== '');
  const line = parts.join(' · ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

/** The browser options the plan editor has fields for, as its inputs hold them (see StepField). */
export type BrowserDraft = Partial<Record<BrowserField, unknown>>;
type BrowserField = 'width' | 'height' | 'locale' | 'timezoneId' | 'sessionUse' | 'sessionSaveAs';

export const BROWSER_FIELDS: (FieldSpec & { name: BrowserField })[] = [
  { name: 'width', label: 'Window width, in pixels', kind: 'number', optional: true, hint: 'Default: the runner’s window' },
  { name: 'height', label: 'Window height, in pixels', kind: 'number', optional: true },
  { name: 'locale', label: 'Locale', kind: 'text', optional: true, hint: 'Such as en-GB or de-DE: the language pages are asked for' },
  { name: 'timezoneId', label: 'Time zone', kind: 'text', optional: true, hint: 'Such as Europe/Berlin' },
  { name: 'sessionUse', label: 'Start from the saved session', kind: 'text', optional: true, hint: 'The name a run saved its session under: the run starts signed in' },
  {
    name: 'sessionSaveAs',
    label: 'When the run succeeds, keep its session as',
    kind: 'text',
    optional: true,
    hint: 'A name for later runs to start from; an earlier session of that name is replaced',
  },
];

export function browserDraft(browser: BrowserOptions | undefined): BrowserDraft {
  return {
    width: browser?.viewport?.width,
    height: browser?.viewport?.height,
    locale: browser?.locale,
    timezoneId: browser?.timezoneId,
    sessionUse: browser?.session?.use,
    sessionSaveAs: browser?.session?.saveAs,
  };
}

export type BrowserCheck = { ok: true; browser: BrowserOptions | undefined } | { ok: false; problems: Partial<Record<BrowserField, string>> };

/** Where each field's value sits in the options, to put the protocol's complaints next to the right input. */
const FIELD_OF_PATH: Readonly<Record<string, BrowserField>> = {
  'viewport.width': 'width',
  'viewport.height': 'height',
  locale: 'locale',
  timezoneId: 'timezoneId',
  'session.use': 'sessionUse',
  'session.saveAs': 'sessionSaveAs',
};

/**
 * The options a draft sets, checked with the protocol's schema as the server will; undefined when
 * it sets none. Options the editor has no field for (location, user agent) are kept from `original`.
 */
export function checkBrowserDraft(draft: BrowserDraft, original: BrowserOptions | undefined): BrowserCheck {
  const text = (field: BrowserField) => (typeof draft[field] === 'string' ? draft[field].trim() : '') || undefined;
  const [use, saveAs] = [text('sessionUse'), text('sessionSaveAs')];
  const options = {
    ...(original?.geolocation && { geolocation: original.geolocation }),
    ...(original?.userAgent && { userAgent: original.userAgent }),
    ...((draft.width !== undefined || draft.height !== undefined) && { viewport: { width: draft.width, height: draft.height } }),
    ...(text('locale') && { locale: text('locale') }),
    ...(text('timezoneId') && { timezoneId: text('timezoneId') }),
    ...((use || saveAs) && { session: { ...(use && { use }), ...(saveAs && { saveAs }) } }),
  };
  if (Object.keys(options).length === 0) return { ok: true, browser: undefined };
  const result = BrowserOptionsSchema.safeParse(options);
  if (result.success) return { ok: true, browser: result.data };
  const problems: Partial<Record<BrowserField, string>> = {};
  for (const issue of result.error.issues) {
    const field = FIELD_OF_PATH[issue.path.join('.')];
    if (field) problems[field] ??= describeIssue(issue);
  }
  return { ok: false, problems };
}
