import type { ChatMessage, Step, Target } from '../../protocol/index.ts';

/** What a field is called when what is typed into it must not be repeated. */
const SENSITIVE_FIELD = /pass(word|code|phrase)?|\bpwd\b|\bpin\b|secret|token|api[-_ ]?key|\botp\b|one[- ]time|2fa|mfa|cvv|cvc|security code|card number/i;

function targetText(target: Target): string {
  if (typeof target === 'string') return target;
  switch (target.by) {
    case 'role':
      return target.name;
    case 'label':
      return target.label;
    case 'placeholder':
      return target.placeholder;
    case 'text':
      return target.text;
    case 'selector':
      return target.selector;
  }
}

/** The value a step types into a field that looks like a password or another secret, if it does. */
export function secretValueOf(step: Step): string | undefined {
  if (step.type !== 'fill' || step.value.length === 0) return undefined;
  return SENSITIVE_FIELD.test(targetText(step.target)) ? step.value : undefined;
}

/** Every secret value these steps type, longest first (so a value inside another is hidden too). */
export function secretValuesOf(steps: readonly Step[]): string[] {
  const values = new Set(steps.map(secretValueOf).filter((value) => value !== undefined));
  return [...values].sort((a, b) => b.length - a.length);
}

/** Every secret value the plans of these messages type, longest first. */
export function secretValuesIn(messages: readonly ChatMessage[]): string[] {
  return secretValuesOf(messages.flatMap((message) => message.parts.flatMap((part) => (part.type === 'data-plan' ? part.data.steps : []))));
}

/**
 * `text` with every secret value replaced by a mark that says one was there. Only whole values
 * count (not inside a longer word), so a short password does not garble the rest of the text.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) {
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    redacted = redacted.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu'), '[secret]');
  }
  return redacted;
}
