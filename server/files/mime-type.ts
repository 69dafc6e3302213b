/** `type/subtype` of RFC 9110 tokens, lower case, without parameters. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** Stored for a file whose type is missing or not a media type. */
export const UNKNOWN_MIME_TYPE = 'application/octet-stream';

/**
 * The media type of a received file as it is stored and later served: `type/subtype` in lower
 * case, parameters dropped; anything else (missing, malformed, a bare `html`) is
 * `application/octet-stream`, so nothing a client or runner sends chooses how it is rendered.
 */
export function safeMimeType(value: string | undefined): string {
  const essence = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return MIME_TYPE.test(essence) ? essence : UNKNOWN_MIME_TYPE;
}
