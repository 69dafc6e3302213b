import { z } from 'zod';
import { text } from './text.ts';

// What an AI `extract` step returns (its shape), and the rule that extracts it from a page
// without a model: a model writes the rule once, the runner keeps applying it (a compiled plan).

const description = text().max(500).optional();

/**
 * A record of named parts. Written as an object with a catch-all, and names checked by a
 * refinement: a record's JSON Schema has `propertyNames`, which OpenAI's structured outputs do
 * not accept, and these schemas are sent to models.
 */
function named<T extends z.ZodType>(value: T) {
  return z
    .object({})
    .catchall(value)
    .refine((record) => Object.keys(record).every((name) => name.length >= 1 && name.length <= 100), 'names are 1 to 100 characters')
    .refine((record) => Object.keys(record).length <= 50, 'at most 50 names');
}

/** The shape of what to extract, a small JSON-Schema-like tree; without one, the answer is text. */
export const ExtractShapeSchema = z.union([
  z.strictObject({ type: z.enum(['string', 'number', 'boolean']), description }),
  z.strictObject({
    type: z.literal('array'),
    description,
    get items() {
      return ExtractShapeSchema;
    },
  }),
  z.strictObject({
    type: z.literal('object'),
    description,
    get properties(): ReturnType<typeof named<typeof ExtractShapeSchema>> {
      return named(ExtractShapeSchema);
    },
  }),
]);
export type ExtractShape = z.infer<typeof ExtractShapeSchema>;

/** Where a value is: a selector (CSS, or an XPath starting with `/` or `xpath=`) relative to the current element. */
const selector = text().min(1).max(2_000);

/**
 * How to read a value of that shape from the page. Selectors are relative to the element the
 * enclosing rule is on (the page at the top). A leaf reads the text of the first element its
 * selector finds (or an attribute), an object reads each property, and an array reads the rule
 * of its items from every element `each` finds.
 */
export const ExtractRuleSchema = z.union([
  z.strictObject({ kind: z.literal('value'), selector, attribute: text().min(1).max(100).optional() }),
  z.strictObject({
    kind: z.literal('object'),
    get properties(): ReturnType<typeof named<typeof ExtractRuleSchema>> {
      return named(ExtractRuleSchema);
    },
  }),
  z.strictObject({
    kind: z.literal('list'),
    each: selector,
    get item() {
      return ExtractRuleSchema;
    },
  }),
]);
export type ExtractRule = z.infer<typeof ExtractRuleSchema>;
