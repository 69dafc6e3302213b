import type { Page } from 'playwright-core';
import type { ExtractRule } from '../../protocol/index.ts';
import { StepError } from '../steps/step-error.ts';

/** What a rule read: text (or null where nothing matched), in the rule's structure. */
export type RawExtraction = string | null | RawExtraction[] | { [name: string]: RawExtraction };

/**
 * Reads what `rule` describes from the page as it is now, in one round trip. A value is the
 * trimmed text of the first element its selector finds (or its attribute), null when none does;
 * a list holds one item per element `each` finds. Selectors are CSS, or XPath when they start
 * with `/`, `(` or `xpath=`, and are relative to the element the enclosing rule is on.
 */
export async function applyExtractRule(options: { page: Page; rule: ExtractRule }): Promise<RawExtraction> {
  const result = await options.page.evaluate(readInPage, options.rule as unknown as InPageRule);
  if ('invalid' in result) throw new StepError('action-failed', `The extraction rule has a selector the page cannot use: ${result.invalid}`);
  return result.value as RawExtraction;
}

type InPageRule =
  | { kind: 'value'; selector: string; attribute?: string }
  | { kind: 'object'; properties: Record<string, InPageRule> }
  | { kind: 'list'; each: string; item: InPageRule };
type InPageValue = string | null | InPageValue[] | { [name: string]: InPageValue };

/** Runs in the page: must not refer to anything outside itself. */
function readInPage(rule: InPageRule): { value: InPageValue } | { invalid: string } {
  function select(scope: ParentNode, selector: string): Element[] {
    const xpath = selector.replace(/^xpath=/, '');
    if (selector.startsWith('xpath=') || xpath.startsWith('/') || xpath.startsWith('(')) {
      // Relative to the scope, as CSS is: "//span" under an item means the item's spans.
      const relative = scope instanceof Document || !xpath.startsWith('/') ? xpath : `.${xpath}`;
      const found = document.evaluate(relative, scope, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
      return Array.from({ length: found.snapshotLength }, (_unused, index) => found.snapshotItem(index)).filter(
        (node): node is Element => node instanceof Element,
      );
    }
    return [...scope.querySelectorAll(selector)];
  }
  function read(scope: ParentNode, current: InPageRule): InPageValue {
    switch (current.kind) {
      case 'value': {
        const [element] = select(scope, current.selector);
        if (!element) return null;
        const text = current.attribute !== undefined ? element.getAttribute(current.attribute) : element instanceof HTMLElement ? element.innerText : element.textContent;
        return text === null ? null : text.replace(/\s+/g, ' ').trim();
      }
      case 'object':
        return Object.fromEntries(Object.entries(current.properties).map(([name, property]) => [name, read(scope, property)]));
      case 'list':
        return select(scope, current.each).map((element) => read(element, current.item));
    }
  }
  try {
    return { value: read(document, rule) };
  } catch (error) {
    return { invalid: error instanceof Error ? error.message : String(error) };
  }
}
