import { selectors, type FrameLocator, type Locator, type Page } from 'playwright-core';

// Stagehand addresses elements with "deep XPaths": plain absolute XPaths, except that an
// iframe step enters that frame (`…/iframe[1]/html[1]/body[1]/button[1]`) and `//` enters an
// open shadow root (`…/x-host[1]//button[1]`). Playwright's XPath engine does neither, so a
// path is split into frames (frameLocator), and a segment that pierces a shadow root is
// resolved by this engine, which walks the composed tree as Stagehand's own resolver does.

/** The name replayed selectors use for segments with a shadow-root hop. */
const ENGINE = 'stagehand-xpath';

/** Runs in the page: must not refer to anything outside itself. */
function deepXPathEngine() {
  type Step = { axis: 'child' | 'descendant'; tag: string; indexes: number[] };
  function parse(path: string): Step[] {
    const steps: Step[] = [];
    let position = 0;
    while (position < path.length) {
      let axis: Step['axis'] = 'child';
      if (path.startsWith('//', position)) {
        axis = 'descendant';
        position += 2;
      } else if (path[position] === '/') position += 1;
      let end = position;
      let depth = 0;
      while (end < path.length && (depth > 0 || path[end] !== '/')) {
        if (path[end] === '[') depth += 1;
        if (path[end] === ']') depth -= 1;
        end += 1;
      }
      const raw = path.slice(position, end).trim();
      position = end;
      if (!raw) continue;
      const match = /^(?:\*\[name\(\)='([^']+)'\]|([\w:*-]+))((?:\[\d+\])*)$/.exec(raw);
      if (!match) throw new Error(`unsupported XPath step "${raw}"`);
      steps.push({ axis, tag: (match[1] ?? match[2]!).toLowerCase(), indexes: (match[3]!.match(/\d+/g) ?? []).map(Number) });
    }
    return steps;
  }
  function children(node: Node): Element[] {
    if (node.nodeType === Node.DOCUMENT_NODE) {
      const root = (node as Document).documentElement;
      return root ? [root] : [];
    }
    const element = node as Element;
    return [...element.children, ...(element.shadowRoot ? [...element.shadowRoot.children] : [])];
  }
  function descendants(node: Node): Element[] {
    const found: Element[] = [];
    const stack = children(node).reverse();
    for (let next = stack.pop(); next; next = stack.pop()) {
      found.push(next);
      stack.push(...children(next).reverse());
    }
    return found;
  }
  function queryAll(root: Node, selector: string): Element[] {
    let current: Node[] = [root.ownerDocument ?? root];
    for (const step of parse(selector.replace(/^xpath=/, '').trim())) {
      const next = new Set<Element>();
      for (const node of current) {
        let picked = (step.axis === 'child' ? children(node) : descendants(node)).filter((element) => step.tag === '*' || element.localName === step.tag);
        for (const index of step.indexes) picked = picked[index - 1] ? [picked[index - 1]!] : [];
        for (const element of picked) next.add(element);
      }
      current = [...next];
      if (current.length === 0) return [];
    }
    return current as Element[];
  }
  return { queryAll, query: (root: Node, selector: string) => queryAll(root, selector)[0] ?? null };
}

let registered: Promise<void> | undefined;

/** Registers the engine with Playwright, once per process (a second registration throws); it serves every browser context, old and new. */
export function registerDeepXPathEngine(): Promise<void> {
  registered ??= selectors.register(ENGINE, deepXPathEngine);
  return registered;
}

const FRAME_STEP = /^i?frame(\[\d+\])*$/i;

/**
 * A Playwright locator for a selector Stagehand resolved: a deep XPath (`xpath=/html[1]/…` or a
 * bare `/…`) or, for anything else, the selector as Playwright reads it (CSS by default).
 */
export function locateStagehandSelector(page: Page, selector: string): Locator {
  const path = selector.trim().replace(/^xpath=/i, '');
  if (!path.startsWith('/')) return page.locator(selector);
  const steps = path.split('/');
  const segments: string[] = [];
  let segment: string[] = [];
  for (const [index, step] of steps.entries()) {
    segment.push(step);
    if (FRAME_STEP.test(step) && index < steps.length - 1) {
      segments.push(segment.join('/'));
      segment = [''];
    }
  }
  const last = segment.join('/');
  const scope = segments.reduce<Page | FrameLocator>((frame, framePath) => frame.frameLocator(engineSelector(framePath)), page);
  return scope.locator(engineSelector(last));
}

function engineSelector(path: string): string {
  return path.includes('//') ? `${ENGINE}=${path}` : `xpath=${path}`;
}
