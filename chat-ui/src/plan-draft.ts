import type { z } from 'zod';
import { DEFAULT_AGENT_ACTIONS, StepSchema } from '../../protocol/index.ts';
import type { Step, StepType } from '../../protocol/index.ts';
import { sentence } from './sentence.ts';

/**
 * A step as it is being edited: the fields of a step of its type, any of which may be missing or
 * wrong until it is checked with the protocol's StepSchema. An empty optional field is left out.
 */
export type StepFields = { type: StepType } & Record<string, unknown>;

/** One step in the editor; `key` stays with it when steps move, so React keeps its inputs. */
export type StepDraft = { key: string; fields: StepFields };

/** What is wrong with a step: per field (the first problem of each), and with the step as a whole. */
export type StepProblems = { fields: Partial<Record<string, string>>; step?: string };

export type StepCheck = { ok: true; step: Step } | { ok: false; problems: StepProblems };

/**
 * How each field of a step is edited: `target` is an element to find, `flag` a yes/no that may
 * also be left to its default. `optional` fields are left out when empty.
 */
export type FieldSpec = { name: string; label: string; kind: 'text' | 'number' | 'checkbox' | 'flag' | 'target'; optional?: boolean; hint?: string };

export const STEP_TYPE_LABELS: Record<StepType, string> = {
  goto: 'Go to a page',
  click: 'Click',
  fill: 'Type into a field',
  press: 'Press a key',
  select: 'Choose an option',
  wait: 'Wait',
  extract: 'Read from the page',
  screenshot: 'Take a screenshot',
  assert: 'Check the page shows text',
  act: 'Do something described in words (AI)',
  observe: 'List what can be done (AI)',
  agent: 'Work out a small task (AI)',
};

export const STEP_FIELDS: Record<StepType, FieldSpec[]> = {
  goto: [{ name: 'url', label: 'Address', kind: 'text' }],
  click: [{ name: 'target', label: 'Element to click', kind: 'target' }],
  fill: [
    { name: 'target', label: 'Field', kind: 'target' },
    // Empty is allowed: it clears the field.
    { name: 'value', label: 'Text to type', kind: 'text', hint: 'Leave empty to clear the field' },
  ],
  press: [
    { name: 'key', label: 'Key', kind: 'text', hint: 'Such as Enter, Tab, Escape or Control+A' },
    { name: 'target', label: 'Element to focus first', kind: 'target', optional: true },
  ],
  select: [
    { name: 'target', label: 'Dropdown', kind: 'target' },
    { name: 'option', label: 'Option', kind: 'text' },
  ],
  wait: [
    { name: 'text', label: 'Text to wait for', kind: 'text', optional: true },
    { name: 'ms', label: 'Or a time to wait, in milliseconds', kind: 'number', optional: true },
  ],
  extract: [
    { name: 'target', label: 'Element to read', kind: 'target', optional: true },
    {
      name: 'instruction',
      label: 'Or what to read, in words',
      kind: 'text',
      optional: true,
      hint: 'Such as “name and price of each product”: the model works out how the first time, later runs replay it',
    },
  ],
  screenshot: [{ name: 'fullPage', label: 'The whole page, not only what fits the window', kind: 'checkbox', optional: true }],
  assert: [{ name: 'text', label: 'Text the page must show', kind: 'text' }],
  act: [
    {
      name: 'instruction',
      label: 'What to do',
      kind: 'text',
      hint: 'Such as “add the cheapest laptop to the cart”: the model works out how the first time, later runs replay it',
    },
  ],
  observe: [{ name: 'instruction', label: 'About what', kind: 'text', optional: true, hint: 'Leave empty for everything on the page' }],
  agent: [
    { name: 'task', label: 'Task', kind: 'text', hint: 'A small sub-task, such as “open the order placed last week”' },
    { name: 'maxActions', label: 'Most actions it may take', kind: 'number', optional: true, hint: `Default: ${DEFAULT_AGENT_ACTIONS}` },
  ],
};

/** Fields every step may have besides its own. */
export const COMMON_FIELDS: FieldSpec[] = [
  { name: 'timeoutMs', label: 'Time limit, in milliseconds', kind: 'number', optional: true, hint: 'Default: the run’s step time limit' },
  {
    name: 'safeToRetry',
    label: 'Safe to do again if the runner is lost during it',
    kind: 'flag',
    optional: true,
    hint: 'Default: no for clicks, key presses and AI actions, which may have changed something; yes for other steps',
  },
];

/** A new step of a type, with its required fields empty (or a sensible value) for the person to fill in. */
export function blankStep(type: StepType): StepFields {
  switch (type) {
    case 'goto':
      return { type, url: 'https://' };
    case 'fill':
      return { type, target: '', value: '' };
    case 'press':
      return { type, key: 'Enter' };
    case 'select':
      return { type, target: '', option: '' };
    case 'wait':
      return { type, ms: 1000 };
    case 'screenshot':
      return { type };
    case 'assert':
      return { type, text: '' };
    case 'click':
      return { type, target: '' };
    case 'extract':
      // Either an element or an instruction: an empty target would have to be cleared before an instruction could be used.
      return { type };
    case 'act':
      return { type, instruction: '' };
    case 'observe':
      return { type };
    case 'agent':
      return { type, task: '' };
  }
}

/** The step with one field set; `undefined` leaves the field out. */
export function setField(fields: StepFields, name: string, value: unknown): StepFields {
  const next: StepFields = { ...fields };
  if (value === undefined) delete next[name];
  else next[name] = value;
  return next;
}

/** The list with the item at `index` moved one place up (-1) or down (1); unchanged at either end. */
export function moveItem<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  const next = items.slice();
  if (to < 0 || to >= items.length) return next;
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** Checks a step with the protocol's own StepSchema, as the server will, and says what is wrong in words for people. */
export function checkStep(fields: StepFields): StepCheck {
  const result = StepSchema.safeParse(withoutStrayShape(fields));
  if (result.success) return { ok: true, step: result.data };
  const problems: StepProblems = { fields: {} };
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field !== 'string') problems.step ??= describeIssue(issue);
    else problems.fields[field] ??= describeIssue(issue);
  }
  return { ok: false, problems };
}

/**
 * An extract step's `shape` (set by the planner; the editor has no field for it) goes with its
 * instruction. Once the step reads an element instead, it is checked and saved without it, rather
 * than failing on a field the person cannot see; the draft keeps it in case the instruction returns.
 */
function withoutStrayShape(fields: StepFields): StepFields {
  return fields.type === 'extract' && fields.instruction === undefined && fields.shape !== undefined ? setField(fields, 'shape', undefined) : fields;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return 'Fill this in.';
      return issue.origin === 'number' ? `Use at least ${issue.minimum}.` : sentence(issue.message);
    case 'too_big':
      if (issue.origin === 'string') return `Use at most ${issue.maximum} characters.`;
      return issue.origin === 'number' ? `Use at most ${issue.maximum}.` : sentence(issue.message);
    case 'invalid_format':
      return issue.format === 'url' ? 'Enter a full address, starting with http:// or https://.' : sentence(issue.message);
    case 'invalid_type':
      if (issue.expected === 'int') return 'Use a whole number.';
      return issue.expected === 'number' ? 'Enter a number.' : 'Fill this in.';
    case 'invalid_union': {
      // The first way of writing the field that got past its own shape says best what is wrong.
      const closest = issue.errors.find((issues) => !issues.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
      return closest?.[0] ? describeIssue(closest[0]) : sentence(issue.message);
    }
    default:
      return sentence(issue.message);
  }
}
