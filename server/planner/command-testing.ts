// Helpers for the command grammar's tests.
import type { Step, Target } from '../../protocol/index.ts';
import { parseCommands } from './command-grammar.ts';
import type { CommandParseError } from './command-grammar.ts';

/** The steps `text` reads as; throws with the grammar's message when it does not parse. */
export function stepsOf(text: string): Step[] {
  const result = parseCommands(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error.message}`);
  return result.steps;
}

/** Why `text` does not parse; throws when it does. */
export function errorOf(text: string): CommandParseError {
  const result = parseCommands(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.steps)}`);
  return result.error;
}

export const goto = (url: string): Step => ({ type: 'goto', url });
export const click = (target: Target): Step => ({ type: 'click', target });
