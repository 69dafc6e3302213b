import type { ExtractRule } from '../../protocol/index.ts';
import type { FakeAnswer, FakeReply, FakeRequest } from './fake-openai-server.ts';

// Reading the Chat Completions requests the server makes for AI steps, as the fake OpenAI
// server receives them, so a test can answer like a model that reads the page.

/** Which call a request is: one of Stagehand's (act, observe, agent), an extract rule, or another model's. */
export type BrowserCallKind = 'act' | 'observe' | 'agent' | 'extract-rule' | 'other';

export function browserCallKind(request: FakeRequest): BrowserCallKind {
  const { body } = request;
  if (body.model !== 'fake-browser') return 'other';
  if (Array.isArray(body.tools) && body.tools.length > 0) return 'agent';
  const properties = Object.keys(body.response_format?.json_schema?.schema?.properties ?? {});
  if (properties.includes('rule')) return 'extract-rule';
  if (properties.includes('twoStep')) return 'act';
  if (properties.includes('elements')) return 'observe';
  return 'other';
}

/** Every text the request carries (instructions, the page's accessibility tree or outline, tool results). */
export function requestText(request: FakeRequest): string {
  const messages: { content: unknown }[] = request.body.messages ?? [];
  return messages
    .flatMap((message) => {
      if (typeof message.content === 'string') return [message.content];
      if (!Array.isArray(message.content)) return [];
      return message.content.map((part: { type: string; text?: string }) => (part.type === 'text' ? (part.text ?? '') : ''));
    })
    .join('\n');
}

/** The id (`0-12`) of the first element of the accessibility tree whose line matches `line`. */
export function elementId(request: FakeRequest, line: RegExp): string {
  const found = requestText(request)
    .split('\n')
    .find((candidate) => /\[\d+-\d+\]/.test(candidate) && line.test(candidate));
  if (!found) throw new Error(`the accessibility tree has no line matching ${line}`);
  return /\[(\d+-\d+)\]/.exec(found)![1]!;
}

/** Stagehand's act answer: do `method` on the element of the tree whose line matches `line`. */
export function actAnswer(request: FakeRequest, line: RegExp, description: string, method = 'click', args: string[] = []): FakeReply {
  return jsonAnswer({ action: { elementId: elementId(request, line), description, method, arguments: args }, twoStep: false });
}

/** A non-streamed JSON answer, as structured output comes back. */
export function jsonAnswer(value: unknown, usage = { inputTokens: 900, outputTokens: 40 }): FakeReply {
  return { content: JSON.stringify(value), usage };
}

/** The rules a model reading the demo shop's results writes: name and price of each product, in either design. */
export const SHOP_PRODUCT_RULES: Record<'classic' | 'redesigned', ExtractRule> = {
  classic: {
    kind: 'list',
    each: 'li.product',
    item: { kind: 'object', properties: { name: { kind: 'value', selector: '.name' }, price: { kind: 'value', selector: '.price' } } },
  },
  redesigned: {
    kind: 'list',
    each: 'article.tile',
    item: { kind: 'object', properties: { name: { kind: 'value', selector: 'h3 a' }, price: { kind: 'value', selector: '.cost' } } },
  },
};

/**
 * A browser model for the demo shop that reads the page, as a real one would: it clicks the
 * search button by whatever name the page gives it, and writes the extraction rule for whichever
 * design the outline shows. Other models' requests (planner, chat) are left unanswered.
 */
export function shopBrowserModel(request: FakeRequest): FakeAnswer | undefined {
  switch (browserCallKind(request)) {
    case 'act':
      return actAnswer(request, /button: (Search|Find)\b/, 'the search button');
    case 'extract-rule':
      // A heal request quotes the old rule (li.product) in its failure: the outline decides.
      return jsonAnswer({ rule: requestText(request).includes('article.tile') ? SHOP_PRODUCT_RULES.redesigned : SHOP_PRODUCT_RULES.classic });
    default:
      return undefined;
  }
}
