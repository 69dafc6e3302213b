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
