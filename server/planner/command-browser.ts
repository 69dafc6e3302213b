import type { z } from 'zod';
import { BrowserOptionsSchema, SessionNameSchema } from '../../protocol/index.ts';
import type { BrowserOptions } from '../../protocol/index.ts';
import { isWord, joinTokens, quote, readValue } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

// Commands that set up the run's browser rather than add a step: they apply to the whole plan,
// wherever they are written.

/** Words around a session's name: `use my saved "staging" session`, `save the browser session as staging`. */
const SESSION_WORDS = new Set(['the', 'a', 'my', 'our', 'this', 'saved', 'browser', 'session', 'as', 'called', 'named']);
const WINDOW_WORDS = new Set(['a', 'an', 'the', 'window', 'viewport', 'screen', 'of', 'size', 'sized', 'pixels', 'px']);
const LOCALE_WORDS = new Set(['the', 'a', 'locale', 'language']);
const TIME_ZONE_WORDS = new Set(['the', 'a', 'time', 'zone', 'timezone']);
/** `390x844`, `390×844`, `390x844px`. */
const SIZE = /^(\d+)[x×](\d+)(?:px)?$/i;
const VIEWPORT = BrowserOptionsSchema.shape.viewport.unwrap().shape;

const WHAT_TO_USE = 'Say what to use: my "staging" session, a 390x844 window, the locale de-DE or the time zone Europe/Berlin.';

/** `use my "staging" session`, `use a 390x844 window`, `use the locale de-DE`, `use the time zone Europe/Berlin`. */
export function readUse(args: readonly ClauseToken[]): ArgumentResult<BrowserOptions> {
  if (args.some((token) => isWord(token, 'session'))) {
    const name = readSessionName(args);
    return name.ok ? { ok: true, value: { session: { use: name.value } } } : name;
  }
  if (args.some((token) => isWord(token, 'window', 'viewport', 'screen'))) return readViewport(args);
  if (args.some((token) => isWord(token, 'locale', 'language'))) {
    const locale = readSetting(args, LOCALE_WORDS, 'locale', BrowserOptionsSchema.shape.locale);
    return locale.ok ? { ok: true, value: { locale: locale.value } } : locale;
  }
  if (args.some((token) => isWord(token, 'timezone', 'zone'))) {
    const timezoneId = readSetting(args, TIME_ZONE_WORDS, 'time zone', BrowserOptionsSchema.shape.timezoneId);
    if (!timezoneId.ok) return timezoneId;
    // The pattern lets through names no browser knows ("Europe/Berln"); better said now than when the run starts.
    if (!isKnownTimeZone(timezoneId.value)) return { ok: false, problem: `${quote(timezoneId.value)} is not a time zone I know; write one like Europe/Berlin.` };
    return { ok: true, value: { timezoneId: timezoneId.value } };
  }
  return { ok: false, problem: WHAT_TO_USE };
}

/** `save the session as "staging"`: the run's cookies and storage are kept under that name when it succeeds. */
export function readSaveSession(args: readonly ClauseToken[]): ArgumentResult<BrowserOptions> {
  if (!args.some((token) => isWord(token, 'session'))) return { ok: false, problem: 'Say what to save: save the session as "staging".' };
  const name = readSessionName(args);
  return name.ok ? { ok: true, value: { session: { saveAs: name.value } } } : name;
}

const SETTING_NAMES = { viewport: 'window size', locale: 'locale', timezoneId: 'time zone', use: 'session to use', saveAs: 'name to save the session as' } as const;

/** `into` with the settings of `add`. Each may be given once in a message: a second one is more likely a slip than a change of mind. */
export function mergeBrowserOptions(into: BrowserOptions | undefined, add: BrowserOptions): ArgumentResult<BrowserOptions> {
  const before = settingsOf(into ?? {});
  const added = settingsOf(add);
  const twice = (Object.keys(SETTING_NAMES) as (keyof typeof SETTING_NAMES)[]).find((key) => before[key] !== undefined && added[key] !== undefined);
  if (twice) return { ok: false, problem: `The ${SETTING_NAMES[twice]} is given twice; give it once.` };
  const session = into?.session || add.session ? { ...into?.session, ...add.session } : undefined;
  return { ok: true, value: { ...into, ...add, ...(session && { session }) } };
}

function settingsOf(options: BrowserOptions): Record<keyof typeof SETTING_NAMES, unknown> {
  return { viewport: options.viewport, locale: options.locale, timezoneId: options.timezoneId, use: options.session?.use, saveAs: options.session?.saveAs };
}

function readSessionName(args: readonly ClauseToken[]): ArgumentResult<string> {
  return readSetting(args, SESSION_WORDS, 'session name', SessionNameSchema);
}

function readViewport(args: readonly ClauseToken[]): ArgumentResult<BrowserOptions> {
  const size = args.filter((token) => token.kind === 'quoted' || !WINDOW_WORDS.has(token.text.toLowerCase()));
  const written = joinTokens(size);
  // `390x844` is one word; `390 x 844` and `390 by 844` are three.
  const match = SIZE.exec(written.replace(/\s+(?:x|×|by)\s+/i, 'x'));
  if (!match) return { ok: false, problem: `Say the window’s size in pixels, width by height: use a 390x844 window${written ? `; ${quote(written)} is not one` : ''}.` };
  const viewport = { width: Number(match[1]), height: Number(match[2]) };
  for (const [dimension, extent] of [['width', 'wide'], ['height', 'high']] as const) {
    const schema = VIEWPORT[dimension];
    if (!schema.safeParse(viewport[dimension]).success) {
      return { ok: false, problem: `A window is ${schema.minValue} to ${schema.maxValue} pixels ${extent}; ${viewport[dimension]} is not.` };
    }
  }
  return { ok: true, value: { viewport } };
}

/** The value among `words` (`use the locale de-DE`), checked with the protocol's schema. */
function readSetting(args: readonly ClauseToken[], words: ReadonlySet<string>, what: string, schema: z.ZodType<string | undefined>): ArgumentResult<string> {
  const value = readValue(
    args.filter((token) => token.kind === 'quoted' || !words.has(token.text.toLowerCase())),
    `the ${what}`,
  );
  if (!value.ok) return value;
  const result = schema.safeParse(value.value);
  if (result.success) return { ok: true, value: result.data ?? value.value };
  const issue = result.error.issues[0]!;
  if (issue.code === 'too_big') return { ok: false, problem: `${quote(value.value)} is too long for a ${what}.` };
  if (issue.code === 'too_small') return { ok: false, problem: `The ${what} is empty.` };
  return { ok: false, problem: `${quote(value.value)} is not a valid ${what}: use ${issue.message}.` };
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
