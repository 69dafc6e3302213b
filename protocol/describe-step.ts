import type { StepOutput } from './run.ts';
import { DEFAULT_AGENT_ACTIONS, type Step, type Target } from './step.ts';

/** A short human sentence for a step, as shown on plan cards and in summaries. */
export function describeStep(step: Step): string {
  switch (step.type) {
    case 'goto':
      return `Go to ${step.url}`;
    case 'click':
      return `Click ${describeTarget(step.target)}`;
    case 'fill':
      return `Type ${quote(step.value)} into ${describeTarget(step.target)}`;
    case 'press':
      return step.target ? `Press ${step.key} in ${describeTarget(step.target)}` : `Press ${step.key}`;
    case 'select':
      return `Select ${listOf(typeof step.option === 'string' ? [step.option] : step.option)} in ${describeTarget(step.target)}`;
    case 'wait':
      return step.text !== undefined ? `Wait for ${quote(step.text)}` : `Wait ${formatDuration(step.ms ?? 0)}`;
    case 'extract':
      return step.target !== undefined ? `Read the text of ${describeTarget(step.target)}` : `Read ${quote(step.instruction!)}`;
    case 'screenshot':
      return step.fullPage ? 'Take a full-page screenshot' : 'Take a screenshot';
    case 'assert':
      return `Check that the page shows ${quote(step.text)}`;
    case 'hover':
      return `Hover over ${describeTarget(step.target)}`;
    case 'check':
      return `Check ${describeTarget(step.target)}`;
    case 'uncheck':
      return `Uncheck ${describeTarget(step.target)}`;
    case 'scroll':
      if (step.target) return `Scroll to ${describeTarget(step.target)}`;
      if (step.to) return `Scroll to the ${step.to} of the page`;
      return `Scroll by ${step.by!.x} × ${step.by!.y} pixels`;
    case 'waitForUrl':
      return `Wait for the address to contain ${quote(step.contains)}`;
    case 'switchTab':
      return typeof step.to === 'number' ? `Switch to tab ${step.to}` : `Switch to the tab showing ${quote(step.to)}`;
    case 'closeTab':
      return 'Close the tab';
    case 'upload':
      return `Upload ${step.files.length === 1 ? 'a file' : `${step.files.length} files`} into ${describeTarget(step.target)}`;
    case 'act':
      return `Do ${quote(step.instruction)}`;
    case 'observe':
      return step.instruction !== undefined ? `Look for ${quote(step.instruction)}` : 'Look at what can be done on the page';
    case 'agent':
      return `Work out ${quote(step.task)} (at most ${step.maxActions ?? DEFAULT_AGENT_ACTIONS} actions)`;
  }
}

/**
 * What a step read or found (for summaries and the assistant): the text it read, the data an AI
 * extract read (JSON), what an observe found, how an agent ended; `verb` says which. Undefined
 * when the step reports nothing of the kind.
 */
export function describeOutput(output: StepOutput | undefined): { verb: 'read' | 'found' | 'ended'; text: string } | undefined {
  if (!output) return undefined;
  if (output.text !== undefined) return { verb: 'read', text: JSON.stringify(output.text) };
  if (output.data !== undefined) return { verb: 'read', text: JSON.stringify(output.data) };
  if (output.observations) {
    const found = output.observations.map((action) => JSON.stringify(action.description ?? `${action.method} ${action.selector}`));
    return { verb: 'found', text: found.length > 0 ? found.join(', ') : 'nothing to do' };
  }
  if (output.agent) {
    const { finished, actions, summary } = output.agent;
    const ended = finished ? `finished after ${actions} actions` : `stopped at its limit of ${actions} actions`;
    return { verb: 'ended', text: summary ? `${ended}: ${JSON.stringify(summary)}` : ended };
  }
  return undefined;
}

export function describeTarget(target: Target): string {
  if (typeof target === 'string') return quote(target);
  const found = describeTargetIn(target);
  return target.frame ? `${found} in the frame ${target.frame}` : found;
}

function describeTargetIn(target: Exclude<Target, string>): string {
  switch (target.by) {
    case 'role':
      return `the ${target.role} ${quote(target.name)}`;
    case 'label':
      return `the field labelled ${quote(target.label)}`;
    case 'placeholder':
      return `the field with placeholder ${quote(target.placeholder)}`;
    case 'text':
      return `the text ${quote(target.text)}`;
    case 'selector':
      return `the element ${target.selector}`;
  }
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function listOf(items: readonly string[]): string {
  const quoted = items.map(quote);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

function quote(text: string): string {
  return `"${text}"`;
}

function formatDuration(ms: number): string {
  if (ms % 1000 === 0) {
    const seconds = ms / 1000;
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  return `${ms} ms`;
}
