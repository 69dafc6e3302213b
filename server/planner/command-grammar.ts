import { BrowserOptionsSchema, commandExamples, MAX_PLAN_STEPS, PlanStepsSchema } from '../../protocol/index.ts';
import type { BrowserOptions, Step } from '../../protocol/index.ts';
import { quote } from './command-arguments.ts';
import { mergeBrowserOptions } from './command-browser.ts';
import { splitClauses } from './command-clauses.ts';
import type { Clause } from './command-clauses.ts';
import { COMMAND_PARSERS, matchCommand } from './command-parsers.ts';
import { tokenize } from './command-tokenizer.ts';

// The command grammar lets skipper work without a language model (ARCHITECTURE D8): deterministic,
// and honest about what it did not understand.

export type CommandParseError = {
  /** What was not understood and why, in plain words. */
  message: string;
  /** The part of the input the message is about, as the user wrote it. */
  clause?: string;
};
export type CommandParseResult =
  /** `browser` when the message sets up the run's browser (`use my "staging" session`, `use a 390x844 window`). */
  | { ok: true; steps: Step[]; browser?: BrowserOptions }
  | { ok: false; error: CommandParseError };

/**
 * Reads a message such as `go to example.com, click "Sign in", take a screenshot` into plan steps.
 * Never throws; anything it does not understand comes back as `ok: false` with a reason.
 */
export function parseCommands(text: string): CommandParseResult {
  const tokens = tokenize(text);
  if (!tokens.ok) return failure(tokens.message, tokens.snippet);
  const clauses = splitClauses(text, tokens.tokens, (all, index) => matchCommand(all, index) !== undefined);
  if (clauses.length === 0) return failure('There is nothing to run: the message has no commands.');
  if (!clauses.some((clause) => matchCommand(clause.tokens, 0))) {
    return failure(
      `${quote(text.trim())} is not a command I know. It reads like a free-form request, which needs a language model.`,
      text.trim(),
    );
  }
  if (clauses.length > MAX_PLAN_STEPS) {
    return failure(`That is ${clauses.length} commands; a plan can hold at most ${MAX_PLAN_STEPS} steps.`);
  }
  const steps: Step[] = [];
  // The clause each step was read from, for messages about it.
  const stepClauses: Clause[] = [];
  let browser: BrowserOptions | undefined;
  for (const clause of clauses) {
    const match = matchCommand(clause.tokens, 0);
    if (!match) return failure(`${quote(clause.text)} does not start with a command I know.`, clause.text);
    const read = match.parser.parse(clause.tokens.slice(match.length), match.verb);
    if (!read.ok) {
      return failure(`Could not read ${quote(clause.text)}. ${read.problem} Example: ${match.parser.example}`, clause.text);
    }
    const value = read.value;
    if ('type' in value) {
      steps.push(value);
      stepClauses.push(clause);
    } else if ('dialog' in value) {
      const last = steps.at(-1);
      if (!last) {
        return failure(`${quote(clause.text)} says how to answer the dialogs of the step before it, and there is none. Example: ${match.parser.example}`, clause.text);
      }
      if (last.dialog !== undefined) return failure(`Step ${steps.length} already says how to answer its dialogs; say it once.`, clause.text);
      steps[steps.length - 1] = { ...last, dialog: value.dialog };
    } else {
      const merged = mergeBrowserOptions(browser, value.browser);
      if (!merged.ok) return failure(`Could not read ${quote(clause.text)}. ${merged.problem}`, clause.text);
      browser = merged.value;
    }
  }
  if (steps.length === 0) return failure('That only sets up the browser; add what to do, like go to https://example.com.');
  // The planner's output must meet the same contract as an LLM's, so the protocol has the last word.
  const checked = PlanStepsSchema.safeParse(steps);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const [index, ...field] = issue.path;
    const clause = typeof index === 'number' ? stepClauses[index] : undefined;
    const where = clause ? `Step ${Number(index) + 1}, ${quote(clause.text)},` : 'The plan';
    const detail = field.length > 0 ? `${field.join('.')}: ${issue.message}` : issue.message;
    return failure(`${where} is not valid: ${detail}.`, clause?.text);
  }
  if (browser === undefined) return { ok: true, steps: checked.data };
  const checkedBrowser = BrowserOptionsSchema.safeParse(browser);
  if (!checkedBrowser.success) return failure(`The browser settings are not valid: ${checkedBrowser.error.issues[0]!.message}.`);
  return { ok: true, steps: checked.data, browser: checkedBrowser.data };
}

export type CommandHelpOptions = {
  /** What was not understood, shown first. */
  problem?: string;
  /** Where this skipper is reached, so the examples point at its demo site. */
  baseUrl: string;
};

/**
 * The reply shown in the chat when a message is not understood: the problem, the commands with
 * examples, and where free-form requests come in. Plain text with line breaks and "- " bullets.
 */
export function commandHelp({ problem, baseUrl }: CommandHelpOptions): string {
  return [
    ...(problem ? [problem, ''] : []),
    'Without a language model, skipper follows simple commands. Separate them with commas, "then" or new lines, and put names in quotes:',
    ...COMMAND_PARSERS.map((parser) => `- ${parser.usage}`),
    '',
    'Examples:',
    ...commandExamples(baseUrl).map((example) => `- ${example.prompt}`),
    '',
    'Free-form requests such as "find me the cheapest flight to Lisbon", and uploading files you attached, need a language model. Set OPENAI_API_KEY, or LLM_BASE_URL for an OpenAI-compatible server such as Ollama, and restart skipper.',
  ].join('\n');
}

function failure(message: string, clause?: string): CommandParseResult {
  return { ok: false, error: clause === undefined ? { message } : { message, clause } };
}
