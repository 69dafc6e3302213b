import { z } from 'zod';

/**
 * Whether text can be stored and sent as it is: PostgreSQL refuses NUL characters in text
 * and JSON, and a lone UTF-16 surrogate has no UTF-8 encoding, so neither may cross a boundary.
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\0');
}

/** A string that must be storable (see isStorableText); chain `.trim()`, `.min()`, `.max()` after it. */
export function text() {
  return z.string().refine(isStorableText, 'must not contain NUL characters or broken Unicode (lone surrogates)');
}

/**
 * Text read from a page, made storable without losing what it says: lone surrogates and
 * NUL characters become U+FFFD, and text past `maxLength` is cut.
 */
export function toStorableText(value: string, maxLength: number): string {
  const storable = value.toWellFormed().replaceAll('\0', '\uFFFD');
  return storable.length <= maxLength ? storable : storable.slice(0, maxLength).toWellFormed();
}
