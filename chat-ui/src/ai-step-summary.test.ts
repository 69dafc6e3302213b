import { describe, expect, it } from 'vitest';
import { describeAgentEnd, describeModelUse } from './ai-step-summary.ts';

const usage = { model: 'gpt-4.1-mini', inputTokens: 1200, outputTokens: 350, costUsd: 0.0012, calls: 1 };

describe('describeModelUse', () => {
  it('gives the tokens, the cost and how the time split between the model and the browser', () => {
    expect(describeModelUse({ index: 0, status: 'succeeded', durationMs: 2200, usage, output: { modelMs: 1800 } })).toBe(
      'gpt-4.1-mini · 1,200 tokens in, 350 out · $0.0012 · model 1.8 s, browser 400 ms',
    );
  });

  it('leaves out the time split while the step runs, and says nothing for a step without model calls', () => {
    expect(describeModelUse({ index: 0, status: 'running', usage, output: { modelMs: 1800 } })).toBe('gpt-4.1-mini · 1,200 tokens in, 350 out · $0.0012');
    expect(describeModelUse({ index: 0, status: 'succeeded', durationMs: 300, output: { modelMs: 0, resolution: { source: 'replayed' } } })).toBeUndefined();
  });
});

describe('describeAgentEnd', () => {
  it('says whether the agent finished or ran out of actions', () => {
    expect(describeAgentEnd({ finished: true, actions: 1 })).toBe('Finished after 1 action');
    expect(describeAgentEnd({ finished: false, actions: 10 })).toBe('Stopped at its limit of 10 actions');
  });
});
