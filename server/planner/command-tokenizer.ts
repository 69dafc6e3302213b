/**
 * A piece of a command message. Quoted strings are kept verbatim (commas, "then" and "and" inside
 * them mean nothing); a break marks a clause boundary: a comma (except between two quoted strings, which
 * makes a list), semicolon, line end or sentence end.
 * `start`/`end` are offsets into the message, so errors can quote what the user wrote.
 */
export type CommandToken =
  | { kind: 'word'; text: string; start: number; end: number }
  | { kind: 'quoted'; text: string; start: number; end: number }
  | { kind: 'break'; start: number; end: number };

/** A word or quoted string: what is left of a clause once its breaks are gone. */
export type ClauseToken = Exclude<CommandToken, { kind: 'break' }>;

export type TokenizeResult = { ok: true; tokens: CommandToken[] } | { ok: false; message: string; snippet: string };

interface QuoteStyle {
  /** Characters that may close a string opened by this quote. */
  closers: string;
  /** Single quotes double as apostrophes ("it's"), so they only close before a boundary. */
  apostrophe: boolean;
}

const QUOTE_STYLES: Readonly<Record<string, QuoteStyle>> = {
  '"': { closers: '"', apostrophe: false },
  '“': { closers: '”"', apostrophe: false },
  '”': { closers: '”', apostrophe: false },
  '„': { closers: '“”', apostrophe: false },
  "'": { closers: "'", apostrophe: true },
  '‘': { closers: "’'", apostrophe: true },
  '’': { closers: '’', apostrophe: true },
};

const HARD_BREAKS = new Set([',', ';', '\n', '\r']);
/** These end a sentence only when followed by a space or the end, so `example.com` and `1.5` stay whole. */
const SENTENCE_ENDS = new Set(['.', '!', '?']);
/** What may follow a closing single quote: `'Sign in'.` and `'Sign in',` close, `it's` does not. */
const AFTER_CLOSING_QUOTE = new Set([',', ';', '.', '!', '?', ':', ')']);

const SNIPPET_LENGTH = 30;

/** Splits a message into words, quoted strings and clause breaks in one linear pass. */
export function tokenize(source: string): TokenizeResult {
  const tokens: CommandToken[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === ',' && tokens.at(-1)?.kind === 'quoted' && opensQuoteNext(source, index + 1)) {
      // `"A", "B" and "C"` is one list of names (several options to select), not three commands.
      index += 1;
      continue;
    }
    if (HARD_BREAKS.has(char) || (SENTENCE_ENDS.has(char) && isSpaceOrEnd(source, index + 1))) {
      tokens.push({ kind: 'break', start: index, end: index + 1 });
      index += 1;
      continue;
    }
    if (isSpace(char)) {
      index += 1;
      continue;
    }
    const style = QUOTE_STYLES[char];
    const end = style ? findClosingQuote(source, index, style) : readWordEnd(source, index);
    if (end === undefined) {
      return {
        ok: false,
        message: 'A quote is never closed. Put the closing quote after the text, like "Sign in".',
        snippet: source.slice(index, index + SNIPPET_LENGTH),
      };
    }
    tokens.push(
      style
        ? { kind: 'quoted', text: source.slice(index + 1, end), start: index, end: end + 1 }
        : { kind: 'word', text: source.slice(index, end), start: index, end },
    );
    index = style ? end + 1 : end;
  }
  return { ok: true, tokens };
}

/** Index of the quote that closes the string opened at `open`, or undefined if it never closes. */
function findClosingQuote(source: string, open: number, style: QuoteStyle): number | undefined {
  for (let index = open + 1; index < source.length; index += 1) {
    if (!style.closers.includes(source[index]!)) continue;
    if (!style.apostrophe || isSpaceOrEnd(source, index + 1) || AFTER_CLOSING_QUOTE.has(source[index + 1]!)) {
      return index;
    }
  }
  return undefined;
}

/**
 * End of the bare word starting at `start`. Inside a URL a comma or semicolon is part of the address
 * unless a space follows. A double quote inside a word (a CSS selector like `[name="q"]`) is read up
 * to its partner, as is a single quote right after `=`; other single quotes are apostrophes.
 */
function readWordEnd(source: string, start: number): number | undefined {
  let inUrl = false;
  let index = start;
  while (index < source.length) {
    const char = source[index]!;
    if (isSpace(char)) break;
    if (char === ':' && source.startsWith('://', index)) inUrl = true;
    const breaksHere =
      char === '\n' ||
      char === '\r' ||
      ((char === ',' || char === ';') && (!inUrl || isSpaceOrEnd(source, index + 1))) ||
      (SENTENCE_ENDS.has(char) && isSpaceOrEnd(source, index + 1));
    if (breaksHere) break;
    if (char === '"' || (char === "'" && source[index - 1] === '=')) {
      const close = source.indexOf(char, index + 1);
      if (close < 0) return undefined;
      index = close + 1;
      continue;
    }
    index += 1;
  }
  return index;
}

/** True when the next character after spaces and tabs opens a quoted string. */
function opensQuoteNext(source: string, from: number): boolean {
  let index = from;
  while (source[index] === ' ' || source[index] === '\t') index += 1;
  return index < source.length && QUOTE_STYLES[source[index]!] !== undefined;
}

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\u00a0';
}

function isSpaceOrEnd(source: string, index: number): boolean {
  return index >= source.length || isSpace(source[index]!);
}
