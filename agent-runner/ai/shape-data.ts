import { toStorableText, type ExtractShape } from '../../protocol/index.ts';
import type { RawExtraction } from './apply-extract-rule.ts';

export type ShapedData = string | number | boolean | ShapedData[] | { [name: string]: ShapedData };

/** What was read, in the step's shape; or why it does not fit, which makes the rule count as failed. */
export type ShapeResult = { data: ShapedData } | { failure: string };

/** Longest text of one extracted value. */
const MAX_VALUE_LENGTH = 100_000;

/**
 * Turns what a rule read into the step's shape (text when it has none): "$1,299.00" becomes
 * 1299 for a number, "Yes" true for a boolean. Nothing read, an empty list or text that is not a
 * number is a failure, so a rule that no longer fits the page is healed rather than trusted.
 */
export function shapeData(raw: RawExtraction, shape: ExtractShape = { type: 'string' }, path = 'the result'): ShapeResult {
  switch (shape.type) {
    case 'string':
    case 'number':
    case 'boolean': {
      if (typeof raw !== 'string') return { failure: `${path}: ${raw === null ? 'nothing on the page matched' : 'expected one value, found several'}` };
      if (raw === '') return { failure: `${path}: the element is empty` };
      if (shape.type === 'string') return { data: toStorableText(raw, MAX_VALUE_LENGTH) };
      const value = shape.type === 'number' ? parseNumber(raw) : parseBoolean(raw);
      return value === undefined ? { failure: `${path}: ${JSON.stringify(raw.slice(0, 100))} is not a ${shape.type}` } : { data: value };
    }
    case 'array': {
      if (!Array.isArray(raw)) return { failure: `${path}: expected a list` };
      if (raw.length === 0) return { failure: `${path}: the list is empty` };
      const items: ShapedData[] = [];
      for (const [index, item] of raw.entries()) {
        const shaped = shapeData(item, shape.items, `${path}[${index}]`);
        if ('failure' in shaped) return shaped;
        items.push(shaped.data);
      }
      return { data: items };
    }
    case 'object': {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { failure: `${path}: expected an object` };
      const data: Record<string, ShapedData> = {};
      for (const [name, property] of Object.entries(shape.properties)) {
        const shaped = shapeData(raw[name] ?? null, property, `${path}.${name}`);
        if ('failure' in shaped) return shaped;
        data[name] = shaped.data;
      }
      return { data };
    }
  }
}

/**
 * "$1,299.00" -> 1299, "1.299,50 €" -> 1299.5, "USD -3" -> -3. A lone separator followed by
 * exactly three digits groups thousands ("1,299"); otherwise it is the decimal point. Besides
 * the number, only symbols and one short word (a currency code) may be there: "Laptop Alpha 14"
 * is a name, not 14.
 */
function parseNumber(text: string): number | undefined {
  const match = /-?\d[\d.,\s\u00a0']*/.exec(text);
  if (!match) return undefined;
  const words = `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`.match(/\p{L}+/gu) ?? [];
  if (words.length > 1 || words.some((word) => word.length > 3)) return undefined;
  let digits = match[0].replace(/[\s\u00a0']/g, '').replace(/[.,]$/, '');
  const lastDot = digits.lastIndexOf('.');
  const lastComma = digits.lastIndexOf(',');
  const decimal = lastDot >= 0 && lastComma >= 0 ? (lastDot > lastComma ? '.' : ',') : lastDot >= 0 || lastComma >= 0 ? (lastDot >= 0 ? '.' : ',') : undefined;
  if (decimal) {
    const occurrences = digits.split(decimal).length - 1;
    const afterLast = digits.length - digits.lastIndexOf(decimal) - 1;
    const grouping = (lastDot < 0 || lastComma < 0) && (occurrences > 1 || afterLast === 3);
    const thousands = grouping ? decimal : decimal === '.' ? ',' : '.';
    digits = digits.split(thousands).join('');
    if (!grouping) digits = digits.replace(decimal, '.');
  }
  const value = Number(digits);
  return Number.isFinite(value) ? value : undefined;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on', 'checked', 'enabled', 'available', 'in stock']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', 'unchecked', 'disabled', 'unavailable', 'out of stock']);

function parseBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}
