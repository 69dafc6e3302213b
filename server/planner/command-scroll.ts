import { ScrollStepSchema } from '../../protocol/index.ts';
import type { Step } from '../../protocol/index.ts';
import { dropLeading, isWord, joinTokens, quote, readTarget } from './command-arguments.ts';
import type { ArgumentResult } from './command-arguments.ts';
import type { ClauseToken } from './command-tokenizer.ts';

/**
 * How far `scroll down` goes when it does not say: most of the runner's 800-pixel-high window,
 * so what was at its bottom is still in sight at the top.
 */
export const DEFAULT_SCROLL_PIXELS = 600;
/** The largest distance the scroll step accepts, each way (read from the protocol, so the two cannot drift apart). */
const MAX_SCROLL_PIXELS = ScrollStepSchema.shape.by.unwrap().shape.y.maxValue ?? Number.MAX_SAFE_INTEGER;

const DIRECTIONS: ReadonlyMap<string, { x: number; y: number }> = new Map([
  ['down', { x: 0, y: 1 }],
  ['up', { x: 0, y: -1 }],
  ['right', { x: 1, y: 0 }],
  ['left', { x: -1, y: 0 }],
]);
const EDGES: ReadonlyMap<string, 'top' | 'bottom'> = new Map([
  ['top', 'top'], ['start', 'top'], ['beginning', 'top'],
  ['bottom', 'bottom'], ['end', 'bottom'],
]);
/** The edge each direction heads for: `scroll down to the bottom`. */
const EDGE_OF_DIRECTION: Readonly<Record<string, 'top' | 'bottom' | undefined>> = { down: 'bottom', up: 'top' };
/** A distance with an optional unit glued on: `500`, `500px`. */
const PIXELS = /^(-?\d+(?:\.\d+)?)(px|pixels?)?$/i;

const WHERE = 'Say where to scroll: down, up, left or right (optionally by a number of pixels), to the top or bottom, or to "Element".';

/**
 * `scroll down`, `scroll up 300 pixels`, `scroll to the bottom`, `scroll down to the bottom of the page`,
 * `scroll to "Footer"`, `scroll down to "Footer"` and `scroll "Footer" into view`. Unquoted `top` and `bottom` are the page's;
 * a quoted name is an element.
 */
export function readScroll(args: readonly ClauseToken[]): ArgumentResult<Step> {
  if (args.length === 0) return { ok: false, problem: WHERE };
  const [first, ...rest] = args;
  if (args.length > 2 && isWord(args.at(-2), 'into') && isWord(args.at(-1), 'view')) return scrollToElement(args.slice(0, -2));
  const direction = first?.kind === 'word' ? first.text.toLowerCase() : '';
  const unit = DIRECTIONS.get(direction);
  if (unit) {
    if (isWord(rest[0], 'to')) {
      const edge = readEdge(rest.slice(1));
      if (edge === undefined) return scrollToElement(rest.slice(1));
      if (edge === EDGE_OF_DIRECTION[direction]) return { ok: true, value: { type: 'scroll', to: edge } };
      return { ok: false, problem: `Did not understand ${quote(joinTokens(rest))} after “scroll ${direction}”. ${WHERE}` };
    }
    const distance = readPixels(dropLeading(rest, ['by']));
    if (!distance.ok) return distance;
    return { ok: true, value: { type: 'scroll', by: { x: unit.x * distance.value, y: unit.y * distance.value } } };
  }
  if (isWord(first, 'to')) {
    const edge = readEdge(rest);
    return edge ? { ok: true, value: { type: 'scroll', to: edge } } : scrollToElement(rest);
  }
  return { ok: false, problem: `Did not understand ${quote(joinTokens(args))}. ${WHERE}` };
}

function scrollToElement(tokens: readonly ClauseToken[]): ArgumentResult<Step> {
  const target = readTarget(tokens, 'what to scroll to');
  return target.ok ? { ok: true, value: { type: 'scroll', target: target.value } } : target;
}

/** `the top`, `the bottom of the page`, `end`: undefined when the words are not a page edge (they may name an element). */
function readEdge(tokens: readonly ClauseToken[]): 'top' | 'bottom' | undefined {
  const words = dropLeading(tokens, ['the', 'very']);
  const edge = words[0]?.kind === 'word' ? EDGES.get(words[0].text.toLowerCase()) : undefined;
  if (edge === undefined) return undefined;
  const tail = joinTokens(words.slice(1)).toLowerCase();
  return tail === '' || tail === 'of the page' || tail === 'of page' ? edge : undefined;
}

/** `500`, `500px`, `500 pixels`; nothing means the default distance. */
function readPixels(tokens: readonly ClauseToken[]): ArgumentResult<number> {
  if (tokens.length === 0) return { ok: true, value: DEFAULT_SCROLL_PIXELS };
  const [first, ...rest] = tokens;
  const match = first?.kind === 'word' ? PIXELS.exec(first.text) : null;
  const unitWords = rest.length === 1 && isWord(rest[0], 'px', 'pixel', 'pixels');
  if (!match || (rest.length > 0 && (match[2] !== undefined || !unitWords))) {
    return { ok: false, problem: `Say the distance in pixels, like scroll down 500 pixels; ${quote(joinTokens(tokens))} is not one.` };
  }
  const pixels = Number(match[1]);
  if (!Number.isInteger(pixels)) return { ok: false, problem: 'Use a whole number of pixels.' };
  if (pixels <= 0) return { ok: false, problem: 'Scroll by more than zero pixels; the direction says which way.' };
  if (pixels > MAX_SCROLL_PIXELS) return { ok: false, problem: `Scroll by at most ${MAX_SCROLL_PIXELS.toLocaleString('en-US')} pixels at a time.` };
  return { ok: true, value: pixels };
}
