import { SkipperError } from '../../errors/skipper-error.ts';

/** Where a page of conversations ended: the last one's activity time (microseconds) and id. */
export type ConversationCursor = { micros: string; id: string };

/** Opaque to clients: they pass back what they were given. */
export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(`${cursor.micros}/${cursor.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): ConversationCursor {
  const match = /^(\d{1,20})\/([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw new SkipperError('invalid-request', 'The cursor is not one this server gave out; start again without it.');
  return { micros: match[1]!, id: match[2]! };
}
