import { describe, expect, it } from 'vitest';
import { describeDialog, describeDialogAnswer, describeOpenedTab } from './step-browser-events.ts';

describe('what a step met in the browser', () => {
  it.each<[Parameters<typeof describeDialog>[0], string]>([
    [{ type: 'confirm', message: 'Delete this invoice?', answer: 'dismissed' }, 'Confirmation “Delete this invoice?”: dismissed'],
    [{ type: 'alert', message: 'Saved', answer: 'accepted' }, 'Alert “Saved”: accepted'],
    [{ type: 'prompt', message: 'New name', answer: 'accepted', text: 'Q3' }, 'Prompt “New name”: accepted with “Q3”'],
    [{ type: 'beforeunload', message: '', answer: 'accepted' }, '“Leave this page?” dialog: accepted'],
  ])('a dialog: %j', (dialog, text) => {
    expect(describeDialog(dialog)).toBe(text);
  });

  it('a tab the step opened', () => {
    expect(describeOpenedTab({ tab: 2, url: 'https://example.com/invoice' })).toBe(
      'Opened a new tab (tab 2: https://example.com/invoice); the next steps act on it.',
    );
  });

  it('how a step answers dialogs, when it does not simply accept them', () => {
    expect(describeDialogAnswer(undefined)).toBeUndefined();
    expect(describeDialogAnswer('accept')).toBeUndefined();
    expect(describeDialogAnswer('dismiss')).toBe('dismissing any dialog');
    expect(describeDialogAnswer({ text: 'Q3' })).toBe('answering a prompt with “Q3”');
  });
});
