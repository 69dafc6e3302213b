import { dropLeading, isWord, readValue } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

const ADDRESS_WORDS = ['url', 'address', 'location'];
/** `the URL contains`, `the address to include`: one word, or "to" and one word. */
const CONTAIN_VERBS = ['contains', 'contain', 'includes', 'include', 'has', 'have'];

/**
 * The text the page's address should contain, from `the URL contains "/dashboard"` or `the address
 * to contain "/dashboard"`. Undefined when the words do not say that, so `wait for address field`
 * is still read as text to wait for.
 */
export function readAddressPart(tokens: readonly ClauseToken[]): ArgumentResult<string> | undefined {
  const words = dropLeading(tokens, ['the', 'page', "page's", 'web', 'current']);
  if (!isWord(words[0], ...ADDRESS_WORDS)) return undefined;
  const verbAt = isWord(words[1], 'to') ? 2 : 1;
  if (!isWord(words[verbAt], ...CONTAIN_VERBS)) return undefined;
  return readValue(words.slice(verbAt + 1), 'the text the address should contain');
}
