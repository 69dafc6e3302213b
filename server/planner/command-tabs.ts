import { SwitchTabStepSchema } from '../../protocol/index.ts';
import type { Step } from '../../protocol/index.ts';
import { dropLeading, isWord, quote, readLabel } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

const ORDINALS: ReadonlyMap<string, number> = new Map([
  ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5],
  ['sixth', 6], ['seventh', 7], ['eighth', 8], ['ninth', 9], ['tenth', 10],
  ['original', 1],
]);
/** `2`, `#2`, `2nd`. */
const TAB_NUMBER = /^#?(\d+)(?:st|nd|rd|th)?$/i;
/** The most tabs a run may switch between (read from the protocol). */
const MAX_TAB = SwitchTabStepSchema.shape.to.options[0].maxValue ?? Number.MAX_SAFE_INTEGER;
const TAB_WORDS = ['tab', 'window', 'page'];
const CLOSE_FILLERS = new Set(['the', 'this', 'that', 'current', 'new', 'active']);

/**
 * `switch to tab 2`, `switch to the second tab`, `switch back to the first tab`, `switch to the tab
 * "Invoice"` or `switch to the "Invoice" tab` (the first tab whose address or title contains it).
 */
export function readSwitchTab(args: readonly ClauseToken[]): ArgumentResult<Step> {
  let words = dropLeading(args, ['the']);
  if (isWord(words[0], ...TAB_WORDS)) words = words.slice(1);
  else if (isWord(words.at(-1), ...TAB_WORDS)) words = words.slice(0, -1);
  if (words.length === 0) return { ok: false, problem: 'Say which tab: switch to tab 2, or switch to the tab "Invoice".' };
  if (words.length === 1 && words[0]!.kind === 'word') {
    const word = words[0]!.text.toLowerCase();
    if (word === 'new' || word === 'last' || word === 'other') {
      return { ok: false, problem: 'A click that opens a tab moves to it by itself; to go to another one, say its number: switch to tab 2.' };
    }
    const number = ORDINALS.get(word) ?? Number(TAB_NUMBER.exec(word)?.[1] ?? Number.NaN);
    if (Number.isInteger(number)) {
      if (number < 1 || number > MAX_TAB) return { ok: false, problem: `Tabs are numbered from 1 (the first tab the run opened) to ${MAX_TAB}.` };
      return { ok: true, value: { type: 'switchTab', to: number } };
    }
  }
  const text = readLabel(words, 'the tab');
  return text.ok ? { ok: true, value: { type: 'switchTab', to: text.value } } : text;
}

/**
 * `close the tab`, `close this tab`, `close the popup`: the run goes back to the tab it came from.
 * `verb` is the matched phrase (`close the`), whose words after "close" belong to what is closed.
 */
export function readCloseTab(args: readonly ClauseToken[], verb: string): ArgumentResult<Step> {
  const written = [...verb.split(' ').slice(1), ...args.map((token) => (token.kind === 'word' ? token.text.toLowerCase() : `"${token.text}"`))];
  const what = written.filter((word) => !CLOSE_FILLERS.has(word));
  if (what.length === 1 && (TAB_WORDS.includes(what[0]!) || what[0] === 'popup')) return { ok: true, value: { type: 'closeTab' } };
  const dialog = what.some((word) => word === 'dialog' || word === 'alert');
  return { ok: false, problem: dialog ? 'To close a dialog, write: click "Delete" and dismiss the dialog.' : `Only the current tab can be closed; did not understand ${quote(written.join(' '))}.` };
}
