import { DEFAULT_AGENT_ACTIONS, MAX_SELECTED_OPTIONS, StepSchema } from '../../protocol/index.ts';
import type { Step, StepType } from '../../protocol/index.ts';
import { describeIssue } from './field-issue.ts';

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
 * also be left to its default, `choice` one of `choices` or none, `tab` a tab's number or text,
 * `options` one or several options of a dropdown, `offset` a distance across and down, `files`
 * attached files, `dialog` how dialogs are answered. `optional` fields are left out when empty.
 */
export type FieldSpec = {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'checkbox' | 'flag' | 'choice' | 'tab' | 'target' | 'options' | 'offset' | 'files' | 'dialog';
  optional?: boolean;
  hint?: string;
  choices?: { value: string; label: string }[];
};

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
  hover: 'Hover over an element',
  check: 'Tick a checkbox',
  uncheck: 'Untick a checkbox',
  scroll: 'Scroll',
  waitForUrl: 'Wait for the page’s address',
  switchTab: 'Switch to another tab',
  closeTab: 'Close the tab',
  upload: 'Upload attached files',
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
    {
      name: 'option',
      label: 'Options',
      kind: 'options',
      hint: `One per line: several for a list that allows several (at most ${MAX_SELECTED_OPTIONS})`,
    },
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
  hover: [{ name: 'target', label: 'Element to hover over', kind: 'target' }],
  check: [{ name: 'target', label: 'Checkbox or radio button', kind: 'target', hint: 'Nothing happens if it is ticked already' }],
  uncheck: [{ name: 'target', label: 'Checkbox', kind: 'target', hint: 'Nothing happens if it is not ticked' }],
  scroll: [
    {
      name: 'to',
      label: 'To an end of the page',
      kind: 'choice',
      optional: true,
      choices: [
        { value: 'top', label: 'The top' },
        { value: 'bottom', label: 'The bottom' },
      ],
    },
    { name: 'target', label: 'Or to an element', kind: 'target', optional: true },
    { name: 'by', label: 'Or by a distance, in pixels', kind: 'offset', optional: true },
  ],
  waitForUrl: [{ name: 'contains', label: 'Text the page’s address must contain', kind: 'text', hint: 'Such as /dashboard' }],
  switchTab: [
    {
      name: 'to',
      label: 'Tab',
      kind: 'tab',
      hint: 'Its number (1 is the first tab of the run), or text in its address or title. A click that opens a tab moves to it by itself',
    },
  ],
  closeTab: [],
  upload: [
    { name: 'target', label: 'File input', kind: 'target' },
    { name: 'files', label: 'Files to upload', kind: 'files' },
  ],
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
  {
    name: 'dialog',
    label: 'If the page opens a dialog',
    kind: 'dialog',
    optional: true,
    hint: 'An alert, a confirmation, a prompt or “leave this page?”. Default: accept it (OK). Each one is shown with the step',
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
    case 'upload':
      return { type, target: '', files: [] };
    case 'wait':
      return { type, ms: 1000 };
    case 'screenshot':
      return { type };
    case 'assert':
      return { type, text: '' };
    case 'click':
    case 'hover':
    case 'check':
    case 'uncheck':
      return { type, target: '' };
    case 'scroll':
      return { type, to: 'bottom' };
    case 'waitForUrl':
      return { type, contains: '' };
    case 'switchTab':
      return { type, to: 2 };
    case 'closeTab':
      return { type };
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

/** Whether a field's value is an object, as a target, a dialog answer or a distance may be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
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
