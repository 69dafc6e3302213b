import type { StepOutput } from '../../protocol/index.ts';

/** What an AI `extract` step read, as JSON in the shape it was asked for. */
export type ExtractedValue = Exclude<StepOutput['data'], undefined>;

/** Most rows (or list items, or properties) shown; a long list says how many more it has. */
export const MAX_SHOWN_ROWS = 50;

/**
 * How extracted data is laid out for people: a list of records as a table, one record as a
 * key/value table, a list of values as a list, one value as text. Every cell is text already.
 */
export type ExtractedLayout =
  | { kind: 'table'; columns: string[]; rows: string[][]; more: number }
  | { kind: 'record'; entries: [key: string, value: string][]; more: number }
  | { kind: 'list'; items: string[]; more: number }
  | { kind: 'text'; text: string }
  | { kind: 'empty' };

export function layoutExtracted(data: ExtractedValue): ExtractedLayout {
  if (Array.isArray(data)) {
    if (data.length === 0) return { kind: 'empty' };
    const shown = data.slice(0, MAX_SHOWN_ROWS);
    const more = data.length - shown.length;
    if (!shown.every(isRecord)) return { kind: 'list', items: shown.map(cellText), more };
    // Columns from the rows shown, in the order keys first appear: a key found only further down has nothing to show.
    const columns = [...new Set(shown.flatMap((row) => Object.keys(row)))];
    const rows = shown.map((row) => columns.map((column) => (Object.hasOwn(row, column) ? cellText(row[column]!) : '')));
    return { kind: 'table', columns, rows, more };
  }
  if (isRecord(data)) {
    const entries = Object.entries(data);
    if (entries.length === 0) return { kind: 'empty' };
    const shown = entries.slice(0, MAX_SHOWN_ROWS);
    return { kind: 'record', entries: shown.map(([key, value]) => [key, cellText(value)]), more: entries.length - shown.length };
  }
  return data === '' ? { kind: 'empty' } : { kind: 'text', text: cellText(data) };
}

/** Text as it is; numbers, yes/no, null and anything nested as compact JSON. */
function cellText(value: ExtractedValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isRecord(value: ExtractedValue): value is { [key: string]: ExtractedValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
