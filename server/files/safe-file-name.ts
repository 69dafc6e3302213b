/** Longest file name kept, in characters. */
const MAX_NAME_LENGTH = 255;
/** Longest extension kept whole when a long name is shortened. */
const MAX_EXTENSION_LENGTH = 16;

/**
 * `name` cut to a base name that is safe to store, show and hand to a browser or a file system:
 * no directories, control characters, reserved characters (`<>:"/\|?*`), invisible characters
 * that can disguise an extension (right-to-left overrides, zero-width spaces), or leading dots
 * (hidden files) and trailing dots; at most 255 characters, keeping the extension. Null when
 * nothing usable is left ("..", "///").
 */
export function safeFileName(name: string): string | null {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[.\s]+|[.\s]+$/gu, '');
  if (cleaned === '') return null;
  return shorten(cleaned);
}

/** A name within the limit, cut in its stem so that the extension stays, never inside a character. */
function shorten(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= MAX_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  const kept = extension.length <= MAX_EXTENSION_LENGTH ? extension : [];
  const stem = Array.from(kept.length > 0 ? name.slice(0, dot) : name).slice(0, MAX_NAME_LENGTH - kept.length);
  return [...stem, ...kept].join('').trimEnd();
}
