import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../protocol/index.ts';
import { createInProcessEvents } from '../events/event-port.ts';
import { createLogger } from '../logger.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import { textParts, type Change, type Store } from '../store/store.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createConversationHub, type ConversationEvent } from './conversation-hub.ts';

const logger = createLogger({ level: 'silent', name: 'test' });

describe('the conversation hub', () => {
  let database: TestDatabase;
  let store: Store;
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    ownerId = (await store.users.ensure('hub')).id;
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** A hub over the real store whose message reads wait until `release` is called, counted. */
  function gatedHub() {
    const reads: { messageId: string; release(): void }[] = [];
    let waiting: (() => void) | undefined;
    const gated: Store = {
      ...store,
      messages: {
        ...store.messages,
        get: async (owner, messageId) => {
          await new Promise<void>((release) => {
            reads.push({ messageId, release });
            waiting?.();
          });
          return store.messages.get(owner, messageId);
        },
      },
    };
    const hub = createConversationHub({ store: gated, logger, events: createInProcessEvents({ logger }) });
    const nextRead = async () => {
      while (reads.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
      return reads.shift()!;
    };
    return { hub, nextRead, pendingReads: () => reads.length };
  }

  async function assistantMessage() {
    const conversation = await store.conversations.create(ownerId, {});
    const appended = await store.messages.appendAssistant(ownerId, conversation.id, { parts: textParts('v0') });
    if (appended?.status !== 'appended') throw new Error('no message appended');
    return { conversationId: conversation.id, messageId: appended.message.id };
  }

  async function rewrite(messageId: string, text: string): Promise<Change> {
    const change = await store.messages.update(ownerId, messageId, { parts: textParts(text), status: 'complete' });
    return change!;
  }

  const textOf = (message: ChatMessage) => message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

  it('reads a message changed many times while it was being read only once more, and sends its newest state', async () => {
    const { hub, nextRead, pendingReads } = gatedHub();
    const { conversationId, messageId } = await assistantMessage();
    const seen: ConversationEvent[] = [];
    hub.subscribe(ownerId, conversationId, (event) => seen.push(event));

    hub.publish(await rewrite(messageId, 'v1'));
    const first = await nextRead();
    // More changes than the hub reads at once: each step's start, picture and end of many runs.
    const burst: Change[] = [];
    for (let version = 2; version <= 20; version++) burst.push(await rewrite(messageId, `v${version}`));
    for (const change of burst.reverse()) hub.publish(change); // in any order
    expect(pendingReads()).toBe(0);
    first.release();
    (await nextRead()).release();
    await hub.idle();

    expect(pendingReads()).toBe(0);
    const upserts = seen.flatMap((event) => (event.type === 'message-upsert' ? [event] : []));
    expect(upserts).toHaveLength(2);
    expect(textOf(upserts[1]!.message)).toBe('v20');
    expect(upserts[1]!.seq).toBe(Math.max(...burst.map((change) => change.seq)));
  });

  it('reads different messages side by side, and a message changed after its read was sent afresh', async () => {
    const { hub, nextRead } = gatedHub();
    const a = await assistantMessage();
    const b = await assistantMessage();
    const seen: string[] = [];
    for (const { conversationId } of [a, b]) hub.subscribe(ownerId, conversationId, (event) => event.type === 'message-upsert' && seen.push(textOf(event.message)));

    hub.publish(await rewrite(a.messageId, 'a1'));
    hub.publish(await rewrite(b.messageId, 'b1'));
    const reads = [await nextRead(), await nextRead()];
    expect(reads.map((read) => read.messageId).sort()).toEqual([a.messageId, b.messageId].sort());
    for (const read of reads) read.release();
    await hub.idle();
    hub.publish(await rewrite(a.messageId, 'a2'));
    (await nextRead()).release();
    await hub.idle();
    expect(seen.sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('keeps delivering after a read fails', async () => {
    const { messageId, conversationId } = await assistantMessage();
    let failures = 1;
    const flaky: Store = {
      ...store,
      messages: {
        ...store.messages,
        get: async (owner, id) => {
          if (failures-- > 0) throw new Error('connection reset');
          return store.messages.get(owner, id);
        },
      },
    };
    const hub = createConversationHub({ store: flaky, logger, events: createInProcessEvents({ logger }) });
    const seen: string[] = [];
    hub.subscribe(ownerId, conversationId, (event) => event.type === 'message-upsert' && seen.push(textOf(event.message)));
    hub.publish(await rewrite(messageId, 'lost read'));
    await hub.idle();
    hub.publish(await rewrite(messageId, 'read'));
    await hub.idle();
    expect(seen).toEqual(['read']);
  });
});
