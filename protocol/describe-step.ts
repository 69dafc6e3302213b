import type { Step, Target } from './step.ts';

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
      return `Select ${quote(step.option)} in ${describeTarget(step.target)}`;
    case 'wait':
      return step.text !== undefined ? `Wait for ${quote(step.text)}` : `Wait ${formatDuration(step.ms ?? 0)}`;
    case 'extract':
      return `Read the text of ${describeTarget(step.target)}`;
    case 'screenshot':
      return step.fullPage ? 'Take a full-page screenshot' : 'Take a screenshot';
    case 'assert':
      return `Check that the page shows ${quote(step.text)}`;
  }
}

export function describeTarget(target: Target): string {
  if (typeof target === 'string') return quote(target);
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
