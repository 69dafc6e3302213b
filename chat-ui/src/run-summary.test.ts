import { describe, expect, it } from 'vitest';
import { stepRows } from './run-summary.ts';
import { proposedPlan } from './testing.ts';

describe('stepRows', () => {
  it('marks the steps that call a language model', () => {
    const plan = {
      ...proposedPlan(),
      steps: [
        { type: 'goto', url: 'https://example.com/' },
        { type: 'extract', target: 'Price' },
        { type: 'extract', instruction: 'the price' },
        { type: 'act', instruction: 'open the cheapest lamp' },
      ],
    } satisfies ReturnType<typeof proposedPlan>;
    expect(stepRows(plan, []).map((row) => row.ai)).toEqual([false, false, true, true]);
  });

  it('says how a step answers dialogs when it does not simply accept them', () => {
    const plan = {
      ...proposedPlan(),
      steps: [
        { type: 'click', target: 'Delete', dialog: 'dismiss' },
        { type: 'click', target: 'Rename', dialog: { text: 'Q3' } },
        { type: 'click', target: 'Save', dialog: 'accept' },
      ],
    } satisfies ReturnType<typeof proposedPlan>;
    expect(stepRows(plan, []).map((row) => row.label)).toEqual([
      'Click "Delete", dismissing any dialog',
      'Click "Rename", answering a prompt with “Q3”',
      'Click "Save"',
    ]);
  });

  it('without the plan, takes a step that reported how it was resolved for an AI step', () => {
    const rows = stepRows(undefined, [
      { index: 0, status: 'succeeded' },
      { index: 1, status: 'succeeded', output: { resolution: { source: 'replayed' } } },
    ]);
    expect(rows.map(({ label, ai }) => ({ label, ai }))).toEqual([
      { label: 'Step 1', ai: false },
      { label: 'Step 2', ai: true },
    ]);
  });
});
