import type { DialogAnswer, DialogRecord, StepOutput } from '../../protocol/index.ts';

const DIALOG_NAMES: Record<DialogRecord['type'], string> = {
  alert: 'Alert',
  confirm: 'Confirmation',
  prompt: 'Prompt',
  beforeunload: '“Leave this page?” dialog',
};

/** `Confirmation “Delete this invoice?”: dismissed`, `Prompt “New name”: accepted with “Q3”`. */
export function describeDialog({ type, message, answer, text }: DialogRecord): string {
  const dialog = message.trim() === '' ? DIALOG_NAMES[type] : `${DIALOG_NAMES[type]} “${message}”`;
  return `${dialog}: ${answer === 'accepted' && text !== undefined ? `accepted with “${text}”` : answer}`;
}

/** `Opened a new tab (tab 2: https://…); the next steps act on it`. */
export function describeOpenedTab({ tab, url }: NonNullable<StepOutput['openedTab']>): string {
  return `Opened a new tab (tab ${tab}: ${url}); the next steps act on it.`;
}

/** How a planned step answers dialogs, when it is not the default (accept): `dismissing any dialog`. */
export function describeDialogAnswer(answer: DialogAnswer | undefined): string | undefined {
  if (answer === undefined || answer === 'accept') return undefined;
  return answer === 'dismiss' ? 'dismissing any dialog' : `answering a prompt with “${answer.text}”`;
}
