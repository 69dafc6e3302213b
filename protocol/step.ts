import { z } from 'zod';
import { DialogAnswerSchema } from './browser.ts';
import { ExtractShapeSchema } from './extraction.ts';
import { text } from './text.ts';

/** ARIA roles accepted by Playwright's `getByRole`. */
export const ARIA_ROLES = [
  'alert', 'alertdialog', 'application', 'article', 'banner', 'blockquote', 'button', 'caption', 'cell',
  'checkbox', 'code', 'columnheader', 'combobox', 'complementary', 'contentinfo', 'definition', 'deletion',
  'dialog', 'directory', 'document', 'emphasis', 'feed', 'figure', 'form', 'generic', 'grid', 'gridcell',
  'group', 'heading', 'img', 'insertion', 'link', 'list', 'listbox', 'listitem', 'log', 'main', 'marquee',
  'math', 'meter', 'menu', 'menubar', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'navigation', 'none',
  'note', 'option', 'paragraph', 'presentation', 'progressbar', 'radio', 'radiogroup', 'region', 'row',
  'rowgroup', 'rowheader', 'scrollbar', 'search', 'searchbox', 'separator', 'slider', 'spinbutton', 'status',
  'strong', 'subscript', 'superscript', 'switch', 'tab', 'table', 'tablist', 'tabpanel', 'term', 'textbox',
  'time', 'timer', 'toolbar', 'tooltip', 'tree', 'treegrid', 'treeitem',
] as const;

const TargetTextSchema = text().trim().min(1).max(500);

/**
 * The iframe an object-form target is in: a CSS selector of the `<iframe>` element, and for a
 * frame inside a frame, each level's selector joined by ` >> ` (`#checkout >> iframe.card`).
 * Without it, the page and every frame in it are searched, the page first.
 */
const frame = { frame: text().trim().min(1).max(1_000).optional() };

/**
 * How a step finds an element. A bare string is resolved by the runner in order:
 * role + accessible name, label, placeholder, visible text, then CSS selector, in the page and
 * then in its frames (same-origin or not, nested). The object forms pin one strategy.
 */
export const TargetSchema = z.union([
  TargetTextSchema,
  z.discriminatedUnion('by', [
    z.strictObject({ by: z.literal('role'), role: z.enum(ARIA_ROLES), name: TargetTextSchema, ...frame }),
    z.strictObject({ by: z.literal('label'), label: TargetTextSchema, ...frame }),
    z.strictObject({ by: z.literal('placeholder'), placeholder: TargetTextSchema, ...frame }),
    z.strictObject({ by: z.literal('text'), text: TargetTextSchema, ...frame }),
    z.strictObject({ by: z.literal('selector'), selector: TargetTextSchema, ...frame }),
  ]),
]);
export type Target = z.infer<typeof TargetSchema>;

/** Longest time one step may be given, in milliseconds. */
export const MAX_STEP_TIMEOUT_MS = 120_000;

/** Fields every step may carry. */
const stepBase = {
  /** Overrides the run's default step timeout. */
  timeoutMs: z.number().int().min(100).max(MAX_STEP_TIMEOUT_MS).optional(),
  /**
   * Whether the step may be executed again after its runner was lost while executing it.
   * Default: false for `click` and `press` (they may submit a form or change something on
   * the site), true for every other step.
   */
  safeToRetry: z.boolean().optional(),
  /**
   * How to answer a dialog (alert, confirm, prompt, "leave this page?") the page opens during
   * the step. Default `accept`: a person who asks to click "Delete" means it, and a dismissed
   * confirm would make the click look like it did nothing. Every dialog is recorded on the step.
   */
  dialog: DialogAnswerSchema.optional(),
};

export const GotoStepSchema = z.strictObject({
  type: z.literal('goto'),
  // z.url alone takes NUL and lone surrogates (URL parsing escapes them), but the raw string is what gets stored.
  url: text().pipe(z.url({ protocol: /^https?$/ }).max(2048)),
  ...stepBase,
});
export const ClickStepSchema = z.strictObject({ type: z.literal('click'), target: TargetSchema, ...stepBase });
export const FillStepSchema = z.strictObject({
  type: z.literal('fill'),
  target: TargetSchema,
  /** May be empty: filling with "" clears the field. */
  value: text().max(10_000),
  ...stepBase,
});
export const PressStepSchema = z.strictObject({
  type: z.literal('press'),
  /** A Playwright key name or chord: `Enter`, `Tab`, `Control+A`. */
  key: text().trim().min(1).max(50).regex(/^[\w+\-]+$/, 'a key name such as Enter, Tab or Control+A'),
  /** Element to focus first; without it the key goes to the focused element. */
  target: TargetSchema.optional(),
  ...stepBase,
});
/** Most options one `select` step chooses. */
export const MAX_SELECTED_OPTIONS = 50;

const OptionSchema = text().min(1).max(500);
export const SelectStepSchema = z.strictObject({
  type: z.literal('select'),
  target: TargetSchema,
  /** Matched against each option's label, then its value. Several for a list that allows several (`<select multiple>`). */
  option: z.union([OptionSchema, z.array(OptionSchema).min(1).max(MAX_SELECTED_OPTIONS)]),
  ...stepBase,
});
export const WaitStepSchema = z
  .strictObject({
    type: z.literal('wait'),
    /** Wait until this text is visible on the page. */
    text: text().trim().min(1).max(500).optional(),
    /** Wait this long. */
    ms: z.number().int().min(1).max(MAX_STEP_TIMEOUT_MS).optional(),
    ...stepBase,
  })
  .refine((step) => (step.text === undefined) !== (step.ms === undefined), {
    message: 'a wait step needs exactly one of "text" or "ms"',
  });
/**
 * Reads from the page: the text of one element (`target`, no model), or what an `instruction`
 * asks for ("name and price of each result"), shaped by `shape` (default: text), which a model
 * works out once and the plan then replays.
 */
export const ExtractStepSchema = z
  .strictObject({
    type: z.literal('extract'),
    target: TargetSchema.optional(),
    instruction: text().trim().min(1).max(1_000).optional(),
    shape: ExtractShapeSchema.optional(),
    ...stepBase,
  })
  .refine((step) => (step.target === undefined) !== (step.instruction === undefined), {
    message: 'an extract step needs exactly one of "target" or "instruction"',
  })
  .refine((step) => step.shape === undefined || step.instruction !== undefined, {
    message: '"shape" goes with "instruction"',
    path: ['shape'],
  });
export const ScreenshotStepSchema = z.strictObject({
  type: z.literal('screenshot'),
  /** Capture the whole scrollable page instead of the viewport. */
  fullPage: z.boolean().optional(),
  ...stepBase,
});
export const AssertStepSchema = z.strictObject({
  type: z.literal('assert'),
  /** Text the page must show. */
  text: text().trim().min(1).max(500),
  ...stepBase,
});

export const HoverStepSchema = z.strictObject({ type: z.literal('hover'), target: TargetSchema, ...stepBase });
/** Ticks a checkbox, or chooses a radio button (nothing to do if it already is). */
export const CheckStepSchema = z.strictObject({ type: z.literal('check'), target: TargetSchema, ...stepBase });
export const UncheckStepSchema = z.strictObject({ type: z.literal('uncheck'), target: TargetSchema, ...stepBase });

/** Scrolls an element into view, the page to its top or bottom, or by an amount of pixels. */
export const ScrollStepSchema = z
  .strictObject({
    type: z.literal('scroll'),
    target: TargetSchema.optional(),
    to: z.enum(['top', 'bottom']).optional(),
    by: z.strictObject({ x: z.number().int().min(-100_000).max(100_000), y: z.number().int().min(-100_000).max(100_000) }).optional(),
    ...stepBase,
  })
  .refine((step) => [step.target, step.to, step.by].filter((value) => value !== undefined).length === 1, {
    message: 'a scroll step needs exactly one of "target", "to" or "by"',
  });

/** Waits until the page's address contains `contains` (after a redirect, a sign-in, a client-side route). */
export const WaitForUrlStepSchema = z.strictObject({ type: z.literal('waitForUrl'), contains: text().trim().min(1).max(2_048), ...stepBase });

/**
 * Makes another tab the one the next steps act on: by its position (1 is the first tab the run
 * opened), or the first whose address or title contains the text. A click that opens a tab
 * moves the run to it by itself.
 */
export const SwitchTabStepSchema = z.strictObject({
  type: z.literal('switchTab'),
  to: z.union([z.number().int().min(1).max(50), text().trim().min(1).max(500)]),
  ...stepBase,
});
/** Closes the current tab; the run goes back to the tab it came from. */
export const CloseTabStepSchema = z.strictObject({ type: z.literal('closeTab'), ...stepBase });

/** Most files one `upload` step sets. */
export const MAX_UPLOAD_FILES = 10;
/** Sets files the person attached to the conversation (by attachment id) on a file input. */
export const UploadStepSchema = z.strictObject({
  type: z.literal('upload'),
  target: TargetSchema,
  files: z.array(z.uuid()).min(1).max(MAX_UPLOAD_FILES),
  ...stepBase,
});

// AI steps: they need a language model the first time (or when the page changed), and replay
// what it resolved to afterwards.

/** Does one thing described in words ("click the cheapest laptop"). */
export const ActStepSchema = z.strictObject({ type: z.literal('act'), instruction: text().trim().min(1).max(1_000), ...stepBase });

/** Lists what can be done on the page (optionally about something in particular). */
export const ObserveStepSchema = z.strictObject({
  type: z.literal('observe'),
  instruction: text().trim().min(1).max(1_000).optional(),
  ...stepBase,
});

/** Most actions an `agent` step may take. */
export const MAX_AGENT_ACTIONS = 50;
/** Actions an `agent` step may take when it does not say. */
export const DEFAULT_AGENT_ACTIONS = 10;

/** A small sub-task the runner works out itself, in at most `maxActions` actions ("open the order placed last week"). */
export const AgentStepSchema = z.strictObject({
  type: z.literal('agent'),
  task: text().trim().min(1).max(2_000),
  maxActions: z.number().int().min(1).max(MAX_AGENT_ACTIONS).optional(),
  ...stepBase,
});

/** Step types that need a language model (extract only with an instruction). */
export function isAiStep(step: Step): boolean {
  return step.type === 'act' || step.type === 'observe' || step.type === 'agent' || (step.type === 'extract' && step.instruction !== undefined);
}

export const StepSchema = z.discriminatedUnion('type', [
  GotoStepSchema,
  ClickStepSchema,
  FillStepSchema,
  PressStepSchema,
  SelectStepSchema,
  WaitStepSchema,
  ExtractStepSchema,
  ScreenshotStepSchema,
  AssertStepSchema,
  HoverStepSchema,
  CheckStepSchema,
  UncheckStepSchema,
  ScrollStepSchema,
  WaitForUrlStepSchema,
  SwitchTabStepSchema,
  CloseTabStepSchema,
  UploadStepSchema,
  ActStepSchema,
  ObserveStepSchema,
  AgentStepSchema,
]);
export type Step = z.infer<typeof StepSchema>;
export type StepType = Step['type'];
export type StepOfType<T extends StepType> = Extract<Step, { type: T }>;

/** Most steps one plan may hold. */
export const MAX_PLAN_STEPS = 100;

/** An ordered list of steps, executed top to bottom in one fresh browser context. */
export const PlanStepsSchema = z.array(StepSchema).min(1).max(MAX_PLAN_STEPS);
