import type { Page } from 'playwright-core';

/** Longest outline sent to the model, in characters (about 5 000 tokens). */
export const MAX_OUTLINE_LENGTH = 20_000;

export type PageOutlineOptions = {
  page: Page;
  /** Default: MAX_OUTLINE_LENGTH. */
  maxLength?: number;
};

/**
 * A compact outline of what the page shows, for a model to write an extraction rule against:
 * one line per element, indented by nesting, as `tag#id.class[role=…][name=…] "its own text"`.
 * Scripts, styles and hidden elements are left out, so are wrappers that carry nothing (no id,
 * class, attribute or text, one child: the child takes their place), and past the fifth of a run of
 * siblings that look alike, the rest are counted rather than listed. The cut is marked.
 *
 * Selectors written against it (classes, ids, attributes, nesting) hold on the live page,
 * which is what makes the rule replayable without the model.
 */
export function pageOutline(options: PageOutlineOptions): Promise<string> {
  return options.page.evaluate(outlineInPage, { maxLength: options.maxLength ?? MAX_OUTLINE_LENGTH });
}

/** Runs in the page: must not refer to anything outside itself. */
function outlineInPage({ maxLength }: { maxLength: number }): string {
  const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'meta', 'link', 'svg', 'iframe', 'object', 'canvas']);
  const ATTRIBUTES = ['role', 'name', 'type', 'aria-label', 'href', 'src', 'alt', 'title', 'datetime', 'value'];
  const MAX_TEXT = 80;
  const MAX_ATTRIBUTE = 60;
  const ALIKE_SHOWN = 5;
  const lines: string[] = [];
  let length = 0;
  let cut = false;

  const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  const quote = (text: string) => JSON.stringify(text);
  const visible = (element: Element) =>
    element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) || getComputedStyle(element).display === 'contents';
  const ownText = (element: Element) =>
    [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  const shown = (element: Element) => [...element.children].filter((child) => !SKIPPED.has(child.localName) && visible(child));
  const signature = (element: Element) => `${element.localName}.${[...element.classList].join('.')}`;

  function label(element: Element): string {
    let text = element.localName;
    if (element.id) text += `#${element.id}`;
    for (const name of element.classList) text += `.${name}`;
    for (const name of [...ATTRIBUTES, ...[...element.attributes].map((attribute) => attribute.name).filter((name) => name.startsWith('data-'))]) {
      const value = element.getAttribute(name);
      if (value !== null && !(name === 'value' && element instanceof HTMLInputElement && element.type === 'password')) {
        text += `[${name}=${quote(clip(value, MAX_ATTRIBUTE))}]`;
      }
    }
    const own = ownText(element);
    return own ? `${text} ${quote(clip(own, MAX_TEXT))}` : text;
  }

  function add(line: string): boolean {
    if (length + line.length + 1 > maxLength) {
      cut = true;
      return false;
    }
    lines.push(line);
    length += line.length + 1;
    return true;
  }

  function walk(element: Element, depth: number): void {
    const children = shown(element);
    const line = label(element);
    // A wrapper with nothing of its own to select it by: its one child takes its place.
    if (line === element.localName && children.length === 1 && element !== document.body) return walk(children[0]!, depth);
    if (!add(`${'  '.repeat(depth)}${line}`)) return;
    for (let index = 0; index < children.length && !cut; index += 1) {
      const child = children[index]!;
      let run = 1;
      while (index + run < children.length && signature(children[index + run]!) === signature(child)) run += 1;
      const listed = Math.min(run, ALIKE_SHOWN);
      for (let offset = 0; offset < listed && !cut; offset += 1) walk(children[index + offset]!, depth + 1);
      if (run > listed) add(`${'  '.repeat(depth + 1)}… ${run - listed} more ${signature(child).replace(/\.$/, '')} like the above`);
      index += run - 1;
    }
  }

  if (document.body) walk(document.body, 0);
  if (cut) lines.push(`… (outline cut at ${maxLength} characters)`);
  return lines.join('\n');
}
