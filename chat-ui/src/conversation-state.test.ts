import { describe, expect, it } from 'vitest';
import type { ChatMessage, RunView } from '../../protocol/index.ts';
import { conversationReducer, initialConversationState } from './conversation-state.ts';
import type { ConversationState } from './conversation-state.ts';

const conversationId = crypto.randomUUID();

function textMessage(text: string, createdAt: string, role: ChatMessage['role'] = 'user', id = crypto.randomUUID()): ChatMessage {
  return { id, role, parts: [{ type: 'text', text }], metadata: { createdAt } };
}

function texts(state: ConversationState): string[] {
  return state.messages.map((message) => (message.parts[0]?.type === 'text' ? message.parts[0].text : '?'));
}

function run(status: RunView['status']): RunView {
  return {
    id: '6b0d3a4e-8a53-4d7c-9a8e-1f2b3c4d5e6f',
    conversationId,
    planId: crypto.randomUUID(),
    status,
    attempt: 1,
    maxAttempts: 3,
    steps: [],
    earlierAttempts: [],
    createdAt: '2025-01-01T10:00:00.000Z',
  };
}

function withRun(runView: RunView): ChatMessage {
  return {
    id: crypto.randomUUID(),
    role: 'assistant',
    parts: [{ type: 'data-run', id: crypto.randomUUID(), data: runView }],
    metadata: { createdAt: '2025-01-01T10:00:01.000Z' },
  };
}

const open = () => initialConversationState(conversationId);

describe('conversationReducer', () => {
  it('applies an upsert only when its seq is newer than the message has seen', () => {
    const first = textMessage('first', '2025-01-01T10:00:00.000Z');
    let state = conversationReducer(open(), { type: 'upsert', conversationId, seq: 5, message: first });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 5, message: { ...first, parts: [{ type: 'text', text: 'same seq' }] } });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 4, message: { ...first, parts: [{ type: 'text', text: 'older' }] } });
    expect(texts(state)).toEqual(['first']);
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 6, message: { ...first, parts: [{ type: 'text', text: 'newer' }] } });
    expect(texts(state)).toEqual(['newer']);
  });

  it('orders messages by creation time, a prompt before a reply of the same millisecond', () => {
    const at = '2025-01-01T10:00:00.000Z';
    let state = conversationReducer(open(), { type: 'upsert', conversationId, seq: 2, message: textMessage('reply', at, 'assistant') });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 1, message: textMessage('prompt', at, 'user') });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 3, message: textMessage('earlier', '2025-01-01T09:00:00.000Z') });
    expect(texts(state)).toEqual(['earlier', 'prompt', 'reply']);
  });

  it('replaces the list with a snapshot but keeps upserts newer than it', () => {
    const kept = textMessage('upsert at 9', '2025-01-01T10:00:00.000Z');
    const stale = textMessage('upsert at 3', '2025-01-01T10:00:01.000Z');
    let state = conversationReducer(open(), { type: 'upsert', conversationId, seq: 9, message: kept });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 3, message: stale });
    state = conversationReducer(state, {
      type: 'snapshot',
      conversationId,
      seq: 7,
      messages: [{ ...kept, parts: [{ type: 'text', text: 'snapshot at 7' }] }],
    });
    expect(texts(state)).toEqual(['upsert at 9']);
    expect(state.status).toBe('ready');
    // After the snapshot, an upsert must beat the snapshot's seq for messages it carried.
    const fromSnapshot = textMessage('in snapshot', '2025-01-01T11:00:00.000Z');
    state = conversationReducer(state, { type: 'snapshot', conversationId, seq: 12, messages: [kept, fromSnapshot] });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 11, message: { ...fromSnapshot, parts: [{ type: 'text', text: 'old' }] } });
    expect(texts(state)).toEqual(['upsert at 9', 'in snapshot']);
  });

  it('keeps messages known only from HTTP when a snapshot lacks them, and lets the socket version win', () => {
    const posted = textMessage('posted', '2025-01-01T10:00:00.000Z');
    let state = conversationReducer(open(), { type: 'merge', conversationId, messages: [posted] });
    state = conversationReducer(state, { type: 'snapshot', conversationId, seq: 1, messages: [] });
    expect(texts(state)).toEqual(['posted']);
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 2, message: { ...posted, parts: [{ type: 'text', text: 'from socket' }] } });
    state = conversationReducer(state, { type: 'merge', conversationId, messages: [posted] });
    expect(texts(state)).toEqual(['from socket']);
  });

  it('ignores frames and responses for another conversation', () => {
    const state = open();
    const other = crypto.randomUUID();
    expect(conversationReducer(state, { type: 'snapshot', conversationId: other, seq: 1, messages: [textMessage('x', '2025-01-01T10:00:00.000Z')] })).toBe(state);
    expect(conversationReducer(state, { type: 'merge', conversationId: other, messages: [textMessage('x', '2025-01-01T10:00:00.000Z')] })).toBe(state);
  });

  it('applies a run from an HTTP response without undoing a final status', () => {
    let state = conversationReducer(open(), { type: 'upsert', conversationId, seq: 1, message: withRun(run('running')) });
    state = conversationReducer(state, { type: 'run-update', run: run('cancelled') });
    expect(state.messages[0]?.parts[0]).toMatchObject({ data: { status: 'cancelled' } });
    const unchanged = conversationReducer(state, { type: 'run-update', run: run('running') });
    expect(unchanged).toBe(state);
  });

  it('reports a missing conversation, and keeps showing a loaded one after a later failure', () => {
    const missing = conversationReducer(open(), { type: 'failed', conversationId, notFound: true, problem: 'gone' });
    expect(missing.status).toBe('not-found');
    const loaded = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 1, messages: [] });
    const failedLater = conversationReducer(loaded, { type: 'failed', conversationId, notFound: false, problem: 'offline' });
    expect(failedLater).toMatchObject({ status: 'ready', problem: 'offline' });
  });
});
