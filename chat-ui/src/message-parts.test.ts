import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../protocol/index.ts';
import { hasText, shownParts, storedParts } from './message-parts.ts';
import type { StreamedParts } from './message-parts.ts';
import { proposedPlan } from './testing.ts';

const plan = proposedPlan();

function reply(status: ChatMessage['metadata']['status'], parts: ChatMessage['parts']): ChatMessage {
  return { id: crypto.randomUUID(), role: 'assistant', parts, metadata: { createdAt: '2025-01-01T10:00:00.000Z', status } };
}

const streamed: StreamedParts = [
  { type: 'text', text: 'Planning it' },
  { type: 'tool', toolName: 'propose_plan', toolCallId: 'c1', state: 'running', input: { task: 'x' } },
];

describe('shownParts', () => {
  it('shows what the chunks built while the reply is being written, then the plan the stored message carries', () => {
    const writing = reply('streaming', [{ type: 'data-plan', id: plan.id, data: plan }]);
    expect(shownParts(writing, streamed)).toEqual([...streamed, { type: 'data-plan', id: plan.id, data: plan }]);
  });

  it('shows the stored message once it has ended, whatever the chunks built', () => {
    const stopped = reply('stopped', [{ type: 'text', text: 'Plan' }]);
    expect(shownParts(stopped, streamed)).toEqual([{ type: 'text', text: 'Plan' }]);
  });

  it('shows the stored message while no chunk has arrived', () => {
    const writing = reply('streaming', [{ type: 'data-plan', id: plan.id, data: plan }]);
    expect(shownParts(writing, undefined)).toEqual([{ type: 'data-plan', id: plan.id, data: plan }]);
  });
});

describe('storedParts', () => {
  it('turns finished tool calls into done or failed tool parts', () => {
    const message = reply('complete', [
      { type: 'tool-list_runs', toolCallId: 'a', state: 'output-available', input: {}, output: { runs: [] } },
      { type: 'tool-run_plan', toolCallId: 'b', state: 'output-error', input: { planId: plan.id }, errorText: 'Not yet seen.' },
    ]);
    expect(storedParts(message)).toEqual([
      { type: 'tool', toolName: 'list_runs', toolCallId: 'a', state: 'done', input: {}, output: { runs: [] } },
      { type: 'tool', toolName: 'run_plan', toolCallId: 'b', state: 'failed', input: { planId: plan.id }, errorText: 'Not yet seen.' },
    ]);
  });
});

describe('hasText', () => {
  it('is false until the reply says something other than whitespace', () => {
    expect(hasText([streamed[1]!])).toBe(false);
    expect(hasText([{ type: 'text', text: ' \n' }])).toBe(false);
    expect(hasText(streamed)).toBe(true);
  });
});
