import type { DialogAnswer } from '../../protocol/index.ts';
import { capitalize, indexOfWord, isWord, joinTokens, quote, readValue } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

const DIALOG_WORDS = ['dialog', 'dialogs', 'alert', 'alerts', 'confirm', 'confirmation', 'confirmations', 'prompt', 'prompts', 'it'];
const FILLERS = ['the', 'a', 'an', 'this', 'that', 'any', 'all', 'every', 'box', 'message'];

/**
 * `accept the dialog`, `dismiss the alert`, `accept the prompt with "Alice"`, `answer the prompt with
 * "Alice"`: how the step before it answers the dialogs it opens. `verb` is `accept`, `dismiss` or `answer`.
 */
export function readDialogAnswer(args: readonly ClauseToken[], verb: string): ArgumentResult<DialogAnswer> {
  const withAt = indexOfWord(args, ['with']);
  const which = withAt < 0 ? args : args.slice(0, withAt);
  const namesDialog = which.some((token) => isWord(token, ...DIALOG_WORDS)) && which.every((token) => isWord(token, ...DIALOG_WORDS, ...FILLERS));
  if (!namesDialog) {
    const click = verb === 'answer' ? '' : ` To click a button, write: click "${capitalize(verb)}".`;
    return { ok: false, problem: `Say which dialog, like ${verb} the dialog; did not understand ${quote(joinTokens(which) || verb)}.${click}` };
  }
  if (withAt < 0) {
    if (verb === 'answer') return { ok: false, problem: 'Say what to answer with: answer the prompt with "Alice".' };
    return { ok: true, value: verb === 'dismiss' ? 'dismiss' : 'accept' };
  }
  if (verb === 'dismiss') return { ok: false, problem: 'A dismissed prompt takes no text; to fill one in, write: answer the prompt with "Alice".' };
  const text = readValue(args.slice(withAt + 1), 'the text to answer with');
  return text.ok ? { ok: true, value: { text: text.value } } : text;
}
