import type { ClauseToken, CommandToken } from './command-tokenizer.ts';

/** One command as written: its words and quoted strings, with leading fillers removed. */
export interface Clause {
  tokens: ClauseToken[];
  /** The clause as the user wrote it, for error messages. */
  text: string;
}

/** Tells whether a command verb starts at `tokens[index]`. */
export type StartsCommand = (tokens: readonly CommandToken[], index: number) => boolean;

const CONNECTORS = new Set(['and', 'then']);
const LEADING_FILLERS = new Set([
  'please', 'first', 'firstly', 'next', 'then', 'and', 'also', 'now', 'finally', 'lastly', 'afterwards',
]);
/** List markers, so a numbered or bulleted list of commands reads as one command per line. */
const LIST_MARKER = /^(?:\d{1,3}[.)]?|[-*•])$/;

/**
 * Cuts the token stream into clauses at breaks, and at a bare "and"/"then" only when a command
 * verb follows, so an unquoted target like `click Terms and Conditions` stays whole.
 */
export function splitClauses(source: string, tokens: readonly CommandToken[], startsCommand: StartsCommand): Clause[] {
  const clauses: Clause[] = [];
  let current: ClauseToken[] = [];
  const flush = () => {
    const clause = toClause(source, current);
    if (clause) clauses.push(clause);
    current = [];
  };
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index]!;
    if (token.kind === 'break') {
      flush();
      index += 1;
      continue;
    }
    if (isConnector(token)) {
      let next = index + 1;
      while (next < tokens.length && isConnector(tokens[next]!)) next += 1;
      // The whole run of connectors is decided at once, which keeps "and and and …" linear.
      if (startsCommand(tokens, next)) flush();
      else for (let connector = index; connector < next; connector += 1) current.push(tokens[connector] as ClauseToken);
      index = next;
      continue;
    }
    current.push(token);
    index += 1;
  }
  flush();
  return clauses;
}

function toClause(source: string, tokens: ClauseToken[]): Clause | undefined {
  let first = 0;
  while (first < tokens.length && isFiller(tokens[first]!)) first += 1;
  let last = tokens.length;
  if (last > first && isWord(tokens[last - 1]!, 'please')) last -= 1;
  const kept = tokens.slice(first, last);
  if (kept.length === 0) return undefined;
  return { tokens: kept, text: source.slice(kept[0]!.start, kept[kept.length - 1]!.end) };
}

function isConnector(token: CommandToken): boolean {
  return token.kind === 'word' && CONNECTORS.has(token.text.toLowerCase());
}

function isFiller(token: ClauseToken): boolean {
  return token.kind === 'word' && (LEADING_FILLERS.has(token.text.toLowerCase()) || LIST_MARKER.test(token.text));
}

function isWord(token: ClauseToken, word: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === word;
}
