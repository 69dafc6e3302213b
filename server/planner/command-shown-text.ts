import { isWord, joinTokens, readLabel } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

/** Words that may name the page before "shows": `the page shows`, `it says`, `the screen contains`. */
const SUBJECTS = ['the', 'page', 'screen', 'site', 'website', 'it', 'this'];
const SHOW_VERBS = [
  'shows', 'show', 'contains', 'contain', 'has', 'have', 'says', 'say', 'displays', 'display', 'includes', 'include',
];
/** Endings that mean "is on the page": `"Welcome" is visible`, `"Done" to appear`. */
const VISIBLE_TAILS = new Set([
  'is visible', 'are visible', 'is shown', 'is displayed', 'is present', 'is there', 'is on the page',
  'is on screen', 'is on the screen', 'appears', 'appear', 'appears on the page', 'shows up', 'show up',
  'to appear', 'to be visible', 'to show up', 'to be shown', 'to be displayed', 'to load',
]);
const LONGEST_TAIL_WORDS = 4;
const LONGEST_SUBJECT_WORDS = 3;

/**
 * The text a check or wait expects to see, from `the page shows "X"`, `"X" is visible` or,
 * when `bare` allows it, just `"X"` (`none`: never, as `check "X"` ticks a checkbox). Undefined
 * when the words fit none of those shapes.
 */
export function readShownText(
  tokens: readonly ClauseToken[],
  bare: 'quoted-only' | 'any' | 'none',
): ArgumentResult<string> | undefined {
  const what = 'the text to look for';
  const verbAt = tokens.findIndex((token, index) => index <= LONGEST_SUBJECT_WORDS && isWord(token, ...SHOW_VERBS));
  if (verbAt >= 0 && tokens.slice(0, verbAt).every((token) => isWord(token, ...SUBJECTS))) {
    return readLabel(tokens.slice(verbAt + 1), what);
  }
  for (let tailAt = Math.max(1, tokens.length - LONGEST_TAIL_WORDS); tailAt < tokens.length; tailAt += 1) {
    const tail = tokens.slice(tailAt);
    if (tail.every((token) => token.kind === 'word') && VISIBLE_TAILS.has(joinTokens(tail).toLowerCase())) {
      return readLabel(tokens.slice(0, tailAt), what);
    }
  }
  const single = tokens.length === 1 ? tokens[0]! : undefined;
  if (bare === 'any' || (bare === 'quoted-only' && single?.kind === 'quoted')) return readLabel(tokens, what);
  return undefined;
}
