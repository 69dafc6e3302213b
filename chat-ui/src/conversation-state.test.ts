import { describe, expect, it } from 'vitest';
import type { ChatMessage, PlanView, RunView } from '../../protocol/index.ts';
import { conversationReducer, initialConversationState } from './conversation-state.ts';
import type { ConversationState } from './conversation-state.ts';
import { proposedPlan } from './testing.ts';

const conversationId = crypto.randomUUID();

function textMessage(text: string, createdAt: string, role: ChatMessage['role'] = 'user', id = crypto.randomUUID()): ChatMessage {
  return { id, role, parts: [{ type: 'text', text }], metadata: { createdAt, status: 'complete' } };
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
    metadata: { createdAt: '2025-01-01T10:00:01.000Z', status: 'complete' },
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
      hasOlder: false,
    });
    expect(texts(state)).toEqual(['upsert at 9']);
    expect(state.status).toBe('ready');
    // After the snapshot, an upsert must beat the snapshot's seq for messages it carried.
    const fromSnapshot = textMessage('in snapshot', '2025-01-01T11:00:00.000Z');
    state = conversationReducer(state, { type: 'snapshot', conversationId, seq: 12, messages: [kept, fromSnapshot], hasOlder: false });
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 11, message: { ...fromSnapshot, parts: [{ type: 'text', text: 'old' }] } });
    expect(texts(state)).toEqual(['upsert at 9', 'in snapshot']);
  });

  it('keeps messages known only from HTTP when a snapshot lacks them, and lets the socket version win', () => {
    const posted = textMessage('posted', '2025-01-01T10:00:00.000Z');
    let state = conversationReducer(open(), { type: 'merge', conversationId, messages: [posted] });
    state = conversationReducer(state, { type: 'snapshot', conversationId, seq: 1, messages: [], hasOlder: false });
    expect(texts(state)).toEqual(['posted']);
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 2, message: { ...posted, parts: [{ type: 'text', text: 'from socket' }] } });
    state = conversationReducer(state, { type: 'merge', conversationId, messages: [posted] });
    expect(texts(state)).toEqual(['from socket']);
  });

  it('ignores frames and responses for another conversation', () => {
    const state = open();
    const other = crypto.randomUUID();
    expect(conversationReducer(state, { type: 'snapshot', conversationId: other, seq: 1, messages: [textMessage('x', '2025-01-01T10:00:00.000Z')], hasOlder: false })).toBe(state);
    expect(conversationReducer(state, { type: 'merge', conversationId: other, messages: [textMessage('x', '2025-01-01T10:00:00.000Z')] })).toBe(state);
  });

  it('applies a run from an HTTP response without undoing a final status', () => {
    let state = conversationReducer(open(), { type: 'upsert', conversationId, seq: 1, message: withRun(run('running')) });
    state = conversationReducer(state, { type: 'run-update', run: run('cancelled') });
    expect(state.messages[0]?.parts[0]).toMatchObject({ data: { status: 'cancelled' } });
    const unchanged = conversationReducer(state, { type: 'run-update', run: run('running') });
    expect(unchanged).toBe(state);
  });

  it('puts an edited plan in place of the version it replaces, and a decided plan in place of itself, never the other way', () => {
    const proposed = proposedPlan();
    const message: ChatMessage = {
      id: crypto.randomUUID(),
      role: 'assistant',
      parts: [{ type: 'text', text: 'Here' }, { type: 'data-plan', id: proposed.id, data: proposed }],
      metadata: { createdAt: '2025-01-01T10:00:01.000Z', status: 'complete' },
    };
    const edited: PlanView = { ...proposed, id: crypto.randomUUID(), version: 2, previousVersionId: proposed.id };
    let state = conversationReducer(open(), { type: 'upsert', conversationId, seq: 1, message });
    state = conversationReducer(state, { type: 'plan-update', plan: edited });
    expect(state.messages[0]?.parts[1]).toEqual({ type: 'data-plan', id: edited.id, data: edited });

    const discarded = { ...edited, status: 'discarded' as const };
    state = conversationReducer(state, { type: 'plan-update', plan: discarded });
    expect(state.messages[0]?.parts[1]).toMatchObject({ data: { status: 'discarded' } });
    expect(conversationReducer(state, { type: 'plan-update', plan: edited })).toBe(state);
    expect(conversationReducer(state, { type: 'plan-update', plan: { ...proposed, id: crypto.randomUUID() } })).toBe(state);
  });

  it('takes the title and whether plans run without asking from the conversation', () => {
    const conversation = { id: conversationId, title: 'Trip', autoRun: true, createdAt: '2025-01-01T10:00:00.000Z', updatedAt: '2025-01-01T10:00:00.000Z' };
    expect(open().autoRun).toBeNull();
    expect(conversationReducer(open(), { type: 'conversation', conversation })).toMatchObject({ title: 'Trip', autoRun: true });
    const other = { ...conversation, id: crypto.randomUUID() };
    expect(conversationReducer(open(), { type: 'conversation', conversation: other }).autoRun).toBeNull();
  });

  it('reports a missing conversation, and keeps showing a loaded one after a later failure', () => {
    const missing = conversationReducer(open(), { type: 'failed', conversationId, notFound: true, problem: 'gone' });
    expect(missing.status).toBe('not-found');
    const loaded = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 1, messages: [], hasOlder: false });
    const failedLater = conversationReducer(loaded, { type: 'failed', conversationId, notFound: false, problem: 'offline' });
    expect(failedLater).toMatchObject({ status: 'ready', problem: 'offline' });
  });
});

describe('conversationReducer, paging older messages', () => {
  /** `count` text messages "m1", "m2"... a minute apart, oldest first. */
  function thread(count: number): ChatMessage[] {
    return Array.from({ length: count }, (_, index) => textMessage(`m${index + 1}`, new Date(Date.UTC(2025, 0, 1, 10, index)).toISOString()));
  }
  const names = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `m${from + index}`);

  /** The newest `pageSize` of `all`, as the socket's snapshot and GET /api/conversations/:id give them. */
  function newest(all: ChatMessage[], pageSize: number) {
    return { messages: all.slice(-pageSize), hasOlder: all.length > pageSize };
  }

  it('keeps whether there are older messages, from the snapshot or the first HTTP load, whichever comes first', () => {
    const all = thread(5);
    const fromSocket = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 1, ...newest(all, 3) });
    expect(fromSocket.hasOlder).toBe(true);
    const fromHttp = conversationReducer(open(), { type: 'merge', conversationId, ...newest(all, 3) });
    expect(fromHttp.hasOlder).toBe(true);
    // A reply to a post says nothing about older messages.
    expect(conversationReducer(fromHttp, { type: 'merge', conversationId, messages: [textMessage('reply', '2025-01-02T00:00:00.000Z')] }).hasOlder).toBe(true);
  });

  it('puts an older page before the messages shown, in order and without duplicates', () => {
    const all = thread(7);
    let state = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 4, ...newest(all, 3) });
    // A page may overlap what is shown.
    state = conversationReducer(state, { type: 'older', conversationId, before: all[4]!.id, messages: all.slice(2, 5), hasOlder: true });
    expect(texts(state)).toEqual(names(3, 7));
    expect(state.hasOlder).toBe(true);
    state = conversationReducer(state, { type: 'older', conversationId, before: all[2]!.id, messages: all.slice(0, 2), hasOlder: false });
    expect(texts(state)).toEqual(names(1, 7));
    expect(state.hasOlder).toBe(false);
  });

  it('ignores an older page that no longer continues the thread', () => {
    const all = thread(6);
    const state = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 1, ...newest(all, 2) });
    const stale = conversationReducer(state, { type: 'older', conversationId, before: all[0]!.id, messages: all.slice(0, 1), hasOlder: false });
    expect(stale).toBe(state);
  });

  it('keeps the older pages loaded when a snapshot after a reconnect reaches back to them', () => {
    const all = thread(8);
    let state = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 8, ...newest(all, 3) });
    state = conversationReducer(state, { type: 'older', conversationId, before: all[5]!.id, messages: all.slice(2, 5), hasOlder: true });
    const added = textMessage('m9', '2025-01-01T10:08:00.000Z');
    state = conversationReducer(state, { type: 'snapshot', conversationId, seq: 9, ...newest([...all, added], 3) });
    expect(texts(state)).toEqual(names(3, 9));
    expect(state.hasOlder).toBe(true);
    // The older messages kept are still replaced by newer versions from the socket.
    state = conversationReducer(state, { type: 'upsert', conversationId, seq: 10, message: { ...all[2]!, parts: [{ type: 'text', text: 'm3 edited' }] } });
    expect(texts(state)[0]).toBe('m3 edited');
  });

  it('drops the older pages when a snapshot leaves a gap before them, so none is shown with messages missing', () => {
    const all = thread(12);
    let state = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 4, ...newest(all.slice(0, 4), 2) });
    state = conversationReducer(state, { type: 'older', conversationId, before: all[2]!.id, messages: all.slice(0, 2), hasOlder: false });
    expect(texts(state)).toEqual(names(1, 4));
    // Eight messages came while the socket was down; the snapshot holds only the newest three.
    state = conversationReducer(state, { type: 'snapshot', conversationId, seq: 12, ...newest(all, 3) });
    expect(texts(state)).toEqual(names(10, 12));
    expect(state.hasOlder).toBe(true);
  });

  it('does not take a first HTTP load that arrives late for the start of the thread', () => {
    const all = thread(6);
    let state = conversationReducer(open(), { type: 'snapshot', conversationId, seq: 6, ...newest(all, 3) });
    state = conversationReducer(state, { type: 'older', conversationId, before: all[3]!.id, messages: all.slice(0, 3), hasOlder: false });
    state = conversationReducer(state, { type: 'merge', conversationId, ...newest(all, 3) });
    expect(texts(state)).toEqual(names(1, 6));
    expect(state.hasOlder).toBe(false);
  });
});
