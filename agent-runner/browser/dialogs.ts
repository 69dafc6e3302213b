import type { BrowserContext, Dialog } from 'playwright-core';
import { toStorableText, type DialogAnswer, type DialogRecord } from '../../protocol/index.ts';

/** Limits of DialogRecordSchema and StepOutputSchema.dialogs. */
const MAX_MESSAGE_LENGTH = 2_000;
const MAX_TEXT_LENGTH = 10_000;
const MAX_RECORDS = 50;

/**
 * The answer when a step says nothing: accept (see `dialog` in protocol/step.ts). A person who
 * asks to click "Delete" means it; a dismissed confirm would make the click look like it did nothing.
 */
const DEFAULT_ANSWER: DialogAnswer = 'accept';

export type RunDialogs = {
  /** How dialogs are answered from now on: the step's own answer, or undefined for the default. */
  answerWith(answer: DialogAnswer | undefined): void;
  /** The dialogs answered since the last call, oldest first. */
  take(): DialogRecord[];
};

/**
 * Answers every dialog (alert, confirm, prompt, "leave this page?") that any tab of the run's
 * context opens, at once, so none blocks a step or the screenshot after it, and records each.
 * A prompt accepted without a text of the step's gets its default value.
 */
export function answerDialogs(context: BrowserContext): RunDialogs {
  let answer = DEFAULT_ANSWER;
  let records: DialogRecord[] = [];
  context.on('dialog', (dialog) => {
    const { record, promptText } = answerFor(dialog, answer);
    if (records.length < MAX_RECORDS) records.push(record);
    // A tab that closes meanwhile takes its dialog with it: nothing left to answer.
    void (record.answer === 'accepted' ? dialog.accept(promptText) : dialog.dismiss()).catch(() => {});
  });
  return {
    answerWith(next) {
      answer = next ?? DEFAULT_ANSWER;
    },
    take() {
      const taken = records;
      records = [];
      return taken;
    },
  };
}

function answerFor(dialog: Dialog, answer: DialogAnswer): { record: DialogRecord; promptText?: string } {
  // Playwright's four dialog types are DIALOG_TYPES.
  const type = dialog.type() as DialogRecord['type'];
  const message = toStorableText(dialog.message(), MAX_MESSAGE_LENGTH);
  if (answer === 'dismiss') return { record: { type, message, answer: 'dismissed' } };
  if (type !== 'prompt') return { record: { type, message, answer: 'accepted' } };
  const promptText = typeof answer === 'object' ? answer.text : dialog.defaultValue();
  return { record: { type, message, answer: 'accepted', text: toStorableText(promptText, MAX_TEXT_LENGTH) }, promptText };
}
