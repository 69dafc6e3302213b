import { commandExamples, MAX_PLAN_STEPS, PlanStepsSchema } from '../../protocol/index.ts';
import type { Step } from '../../protocol/index.ts';
import { quote } from './command-arguments.ts';
import { splitClauses } from './command-clauses.ts';
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
export type CommandParseResult = { ok: true; steps: Step[] } | { ok: false; error: CommandParseError };

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
  for (const clause of clauses) {
    const match = matchCommand(clause.tokens, 0);
    if (!match) return failure(`${quote(clause.text)} does not start with a command I know.`, clause.text);
    const step = match.parser.parse(clause.tokens.slice(match.length), match.verb);
    if (!step.ok) {
      return failure(`Could not read ${quote(clause.text)}. ${step.problem} Example: ${match.parser.example}`, clause.text);
    }
    steps.push(step.value);
  }
  // The planner's output must meet the same contract as an LLM's, so the protocol has the last word.
  const checked = PlanStepsSchema.safeParse(steps);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const [index, ...field] = issue.path;
    const clause = typeof index === 'number' ? clauses[index] : undefined;
    const where = clause ? `Step ${Number(index) + 1}, ${quote(clause.text)},` : 'The plan';
    const detail = field.length > 0 ? `${field.join('.')}: ${issue.message}` : issue.message;
    return failure(`${where} is not valid: ${detail}.`, clause?.text);
  }
  return { ok: true, steps: checked.data };
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
    'Free-form requests such as "find me the cheapest flight to Lisbon" need a language model. Set OPENAI_API_KEY, or LLM_BASE_URL for an OpenAI-compatible server such as Ollama, and restart skipper.',
  ].join('\n');
}

function failure(message: string, clause?: string): CommandParseResult {
  return { ok: false, error: clause === undefined ? { message } : { message, clause } };
}
