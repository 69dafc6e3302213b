import type { Target } from '../../protocol/index.ts';
import type { ClauseToken } from './command-tokenizer.ts';

/** A parsed argument, or a plain-words reason it could not be read. */
export type ArgumentResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const MAX_QUOTED_LENGTH = 80;
const ARTICLES = new Set(['the', 'a', 'an']);
/**
 * Words that may sit around a quoted target without changing it: `the "Sign in" button`.
 * Only the first few are dropped from the end of an unquoted target, where they are rarely part
 * of the element's name (`click the Submit button`).
 */
const TRAILING_NOUNS = new Set(['button', 'link', 'field', 'box', 'textbox', 'dropdown', 'checkbox']);
const DECORATIONS = new Set([
  ...ARTICLES, ...TRAILING_NOUNS, 'input', 'menu', 'list', 'tab', 'option', 'item', 'icon', 'element', 'text',
  'heading', 'message', 'label', 'select', 'area', 'search', 'table', 'section', 'row', 'cell', 'card', 'panel',
  'dialog',
]);

/**
 * Unquoted text that can only be a CSS selector: it starts with `#id`, `.class` or `[attribute]`,
 * or is a tag name followed by `#id` or `[attribute]` (`input[type=submit]`, `input#email`).
 * `tag.class` is left out because it reads like `Node.js`; a bare string still falls back to CSS
 * in the runner.
 */
const CSS_SELECTOR_START = /^(?:[#.][a-z_-]|\[|[a-z][a-z0-9-]*(?:#[a-z_-]|\[))/i;

export function isWord(token: ClauseToken | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toLowerCase());
}

/** Index of the first bare word (never quoted text) among `words`, or -1. */
export function indexOfWord(tokens: readonly ClauseToken[], words: readonly string[]): number {
  return tokens.findIndex((token) => isWord(token, ...words));
}

/** `tokens` without any of `words` at its start. */
export function dropLeading(tokens: readonly ClauseToken[], words: readonly string[]): ClauseToken[] {
  let first = 0;
  while (first < tokens.length && isWord(tokens[first], ...words)) first += 1;
  return tokens.slice(first);
}

/** The words as written, one space apart. */
export function joinTokens(tokens: readonly ClauseToken[]): string {
  return tokens.map((token) => token.text).join(' ');
}

/**
 * Text taken as the user wrote it (what to type): one quoted string, or the unquoted words.
 * `what` names the argument in the problem, e.g. "the text to type".
 */
export function readValue(tokens: readonly ClauseToken[], what: string): ArgumentResult<string> {
  if (tokens.length === 0) return { ok: false, problem: `${capitalize(what)} is missing.` };
  const quoted = tokens.filter((token) => token.kind === 'quoted');
  if (quoted.length === 0) return { ok: true, value: joinTokens(tokens) };
  if (tokens.length === 1) return { ok: true, value: quoted[0]!.text };
  return { ok: false, problem: `Put ${what} in one pair of quotes; ${quote(joinTokens(tokens))} mixes quoted and unquoted words.` };
}

/**
 * The name of something on the page: a quoted string (words like "the" and "button" around it are
 * allowed), or unquoted words without a leading article and a trailing noun such as "button".
 */
export function readLabel(tokens: readonly ClauseToken[], what: string): ArgumentResult<string> {
  if (tokens.length === 0) return { ok: false, problem: `${capitalize(what)} is missing.` };
  const quoted = tokens.filter((token) => token.kind === 'quoted');
  if (quoted.length > 1) {
    return { ok: false, problem: `Expected one quoted name for ${what}, found ${quoted.length} in ${quote(joinTokens(tokens))}.` };
  }
  if (quoted.length === 1) {
    const extra = tokens.filter((token) => token.kind === 'word' && !DECORATIONS.has(token.text.toLowerCase()));
    if (extra.length > 0) {
      return { ok: false, problem: `Did not understand ${quote(joinTokens(extra))} next to ${quote(quoted[0]!.text)}.` };
    }
    if (quoted[0]!.text.trim() === '') return { ok: false, problem: `The quotes for ${what} are empty.` };
    return { ok: true, value: quoted[0]!.text };
  }
  let words = tokens.slice();
  if (words.length > 1 && isWord(words[0], ...ARTICLES)) words = words.slice(1);
  if (words.length > 1 && isWord(words[words.length - 1], ...TRAILING_NOUNS)) words = words.slice(0, -1);
  return { ok: true, value: joinTokens(words) };
}

/** Words that may sit between the quoted names of a list: `"A", "B" and "C"`, `both "A" and "B"`. */
const LIST_WORDS = new Set(['and', 'both', 'the', 'options']);

/**
 * One name, as `readLabel` reads it, or several quoted names joined by "and" or commas
 * (`"Bangladesh" and "Guam"`). Unquoted words are always one name, so `Terms and Conditions` stays whole.
 */
export function readLabels(tokens: readonly ClauseToken[], what: string): ArgumentResult<string[]> {
  const quoted = tokens.filter((token) => token.kind === 'quoted');
  if (quoted.length < 2) {
    const label = readLabel(tokens, what);
    return label.ok ? { ok: true, value: [label.value] } : label;
  }
  const extra = tokens.filter((token) => token.kind === 'word' && !LIST_WORDS.has(token.text.toLowerCase()));
  if (extra.length > 0) return { ok: false, problem: `Did not understand ${quote(joinTokens(extra))} in the list of ${what}.` };
  if (quoted.some((token) => token.text.trim() === '')) return { ok: false, problem: `One of the quotes for ${what} is empty.` };
  return { ok: true, value: quoted.map((token) => token.text) };
}

/**
 * Where a step acts. Quoted text becomes a bare-string target, which the runner resolves by role,
 * label, placeholder, text and then CSS; unquoted text that can only be CSS is pinned to a selector.
 */
export function readTarget(tokens: readonly ClauseToken[], what: string): ArgumentResult<Target> {
  const label = readLabel(tokens, what);
  if (!label.ok) return label;
  const quoted = tokens.some((token) => token.kind === 'quoted');
  if (!quoted && CSS_SELECTOR_START.test(label.value)) return { ok: true, value: { by: 'selector', selector: label.value } };
  return label;
}

/** Text in curly quotes for a message, cut short so a huge paste cannot flood the chat. */
export function quote(text: string): string {
  return `“${text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text}”`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
