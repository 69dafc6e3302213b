/** Spoken key names (spaces, hyphens and case ignored) mapped to Playwright key names. */
const NAMED_KEYS: ReadonlyMap<string, string> = new Map([
  ['enter', 'Enter'], ['return', 'Enter'],
  ['tab', 'Tab'],
  ['escape', 'Escape'], ['esc', 'Escape'],
  ['space', 'Space'], ['spacebar', 'Space'],
  ['backspace', 'Backspace'],
  ['delete', 'Delete'], ['del', 'Delete'],
  ['insert', 'Insert'],
  ['home', 'Home'], ['end', 'End'],
  ['pageup', 'PageUp'], ['pgup', 'PageUp'],
  ['pagedown', 'PageDown'], ['pgdn', 'PageDown'],
  ...(['Up', 'Down', 'Left', 'Right'] as const).flatMap((direction) => {
    const lower = direction.toLowerCase();
    const key = `Arrow${direction}`;
    return [lower, `arrow${lower}`, `${lower}arrow`].map((name) => [name, key] as const);
  }),
]);

const MODIFIERS: ReadonlyMap<string, string> = new Map([
  ['ctrl', 'Control'], ['control', 'Control'],
  ['shift', 'Shift'],
  ['alt', 'Alt'], ['option', 'Alt'], ['opt', 'Alt'],
  ['cmd', 'Meta'], ['command', 'Meta'], ['meta', 'Meta'], ['win', 'Meta'], ['super', 'Meta'],
]);

const FUNCTION_KEY = /^f(?:[1-9]|1[0-2])$/;
const SINGLE_CHARACTER = /^[a-z0-9]$/i;

/**
 * The Playwright name of a key or chord as people write it: `enter` -> `Enter`, `down arrow` ->
 * `ArrowDown`, `ctrl+a` -> `Control+A`, `cmd + shift + k` -> `Meta+Shift+K`. Undefined when any
 * part is not a key.
 */
export function normalizeKey(spoken: string): string | undefined {
  const parts = spoken.trim().split(/\s*\+\s*/);
  if (parts.length === 1) return singleKey(parts[0]!, false);
  const modifiers = parts.slice(0, -1).map((part) => MODIFIERS.get(part.toLowerCase()));
  const last = singleKey(parts[parts.length - 1]!, true);
  if (last === undefined || modifiers.some((modifier) => modifier === undefined)) return undefined;
  return [...modifiers, last].join('+');
}

/** True when `spoken` is shaped like a chord (`ctrl+…`), so an unknown part is a typo, not a button name. */
export function looksLikeChord(spoken: string): boolean {
  const [first, ...rest] = spoken.trim().split(/\s*\+\s*/);
  return rest.length > 0 && MODIFIERS.has(first!.toLowerCase());
}

/** In a chord a letter is upper-cased (`Control+A`); alone it is kept as typed, since `a` and `A` differ. */
function singleKey(spoken: string, inChord: boolean): string | undefined {
  const compact = spoken.toLowerCase().replace(/[\s_-]+/g, '');
  const named = NAMED_KEYS.get(compact) ?? MODIFIERS.get(compact);
  if (named) return named;
  if (FUNCTION_KEY.test(compact)) return compact.toUpperCase();
  if (SINGLE_CHARACTER.test(spoken)) return inChord ? spoken.toUpperCase() : spoken;
  return undefined;
}
