import { MAX_STEP_TIMEOUT_MS } from '../../protocol/index.ts';
import { joinTokens, quote } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ...['ms', 'msec', 'millisecond', 'milliseconds'].map((unit) => [unit, 1] as const),
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((unit) => [unit, 1_000] as const),
  ...['min', 'mins', 'minute', 'minutes'].map((unit) => [unit, 60_000] as const),
]);
const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['a', 1], ['an', 1], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5],
  ['six', 6], ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10],
]);
/** A number with an optional unit glued on: `2`, `1.5s`, `500ms`, `-3`. */
const NUMBER_WITH_UNIT = /^([+-]?\d+(?:\.\d+)?)([a-z]*)$/i;

/**
 * Reads `2 seconds`, `500ms`, `1.5 s`, `a second` into milliseconds. Undefined when the words do not
 * start with a number at all, so the caller can try reading them as text to wait for.
 */
export function readDuration(tokens: readonly ClauseToken[]): ArgumentResult<number> | undefined {
  const [first, ...rest] = tokens;
  if (first?.kind !== 'word') return undefined;
  const numeric = NUMBER_WITH_UNIT.exec(first.text);
  const amount = numeric ? Number(numeric[1]) : NUMBER_WORDS.get(first.text.toLowerCase());
  if (amount === undefined) return undefined;
  // A spelled number counts only before a unit: "wait a second", but "wait a few seconds" is not read.
  if (!numeric && !UNIT_MS.has(rest[0]?.text.toLowerCase() ?? '')) return undefined;
  const gluedUnit = numeric?.[2] ?? '';
  const unit = gluedUnit || rest[0]?.text;
  const extra = gluedUnit ? rest : rest.slice(1);
  if (unit === undefined) return { ok: false, problem: `Say the unit, for example ${first.text} seconds.` };
  const unitMs = UNIT_MS.get(unit.toLowerCase());
  if (unitMs === undefined) return { ok: false, problem: `${quote(unit)} is not a unit of time; use seconds or ms.` };
  if (extra.length > 0) return { ok: false, problem: `Did not understand ${quote(joinTokens(extra))} after the duration.` };
  const ms = Math.round(amount * unitMs);
  if (ms < 1) return { ok: false, problem: 'A wait must be longer than zero.' };
  if (ms > MAX_STEP_TIMEOUT_MS) {
    return { ok: false, problem: `A wait can last at most ${MAX_STEP_TIMEOUT_MS / 1000} seconds.` };
  }
  return { ok: true, value: ms };
}
