import { z } from 'zod';
import { SkipperError } from '../../errors/skipper-error.ts';

/** Where a page of conversations ended: the last one's activity time (microseconds since 1970) and id. */
export type ConversationCursor = { micros: string; id: string };

/** At most 16 digits: microseconds up to the year 2286, always a valid PostgreSQL timestamp. */
const CursorSchema = z.object({ micros: z.string().regex(/^\d{1,16}$/), id: z.uuid() });

/** Opaque to clients: they pass back what they were given. */
export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(`${cursor.micros}/${cursor.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): ConversationCursor {
  const [micros, id] = Buffer.from(cursor, 'base64url').toString('latin1').split('/');
  const parsed = CursorSchema.safeParse({ micros, id });
  if (!parsed.success) throw new SkipperError('invalid-request', 'The cursor is not one this server gave out; start again without it.');
  return parsed.data;
}
