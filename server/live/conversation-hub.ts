import type { Conversation, MessageChunk, UiServerMessage } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { Change, Store } from '../store/store.ts';

/** What a watcher of a conversation is told. */
export type ConversationEvent = Extract<
  UiServerMessage,
  { type: 'message-upsert' | 'message-chunk' | 'conversation-updated' | 'conversation-deleted' }
>;
export type ConversationListener = (event: ConversationEvent) => void;

export type ConversationHub = {
  /** Calls `listener` with every change to the conversation from now on; returns the unsubscribe function. */
  subscribe(ownerId: string, conversationId: string, listener: ConversationListener): () => void;
  /** Sends the changed message, as it is now, to everyone watching its conversation. */
  publish(change: Change): void;
  /** Sends a piece of a reply being written to everyone watching its conversation. */
  publishChunk(ownerId: string, chunk: MessageChunk): void;
  /** Tells everyone watching the conversation that it was renamed or switched. */
  publishUpdated(ownerId: string, conversation: Conversation): void;
  /** Tells everyone watching the conversation that it is gone, and ends their subscriptions. */
  publishDeleted(ownerId: string, conversationId: string): void;
  /** Resolves once every publish started so far has been delivered (for orderly shutdown and tests). */
  idle(): Promise<void>;
  /** Subscriptions open now, over all conversations. */
  listenerCount(): number;
};

/**
 * Fans changes out to the sockets of this server instance. A change is read back from
 * the store after its commit, so what is sent is at least as new as its seq; clients keep
 * the highest seq per message, which makes out-of-order delivery harmless. Changes to a
 * message that arrive while it is being read are coalesced into one more read.
 */
export function createConversationHub({ store, logger }: { store: Store; logger: Logger }): ConversationHub {
  const listeners = new Map<string, Set<ConversationListener>>();
  const pending = new Set<Promise<void>>();
  // Per message, the change still to read while a read of it is under way: a burst of changes
  // to one message (a step's start, picture and end, from many runs at once) costs at most two
  // reads, and the last one is read after every change in the burst was committed.
  const delivering = new Map<string, { next: Change | null }>();
  const key = (ownerId: string, conversationId: string) => `${ownerId}/${conversationId}`;

  async function deliver(change: Change): Promise<void> {
    const watching = listeners.get(key(change.ownerId, change.conversationId));
    if (!watching?.size) return;
    const message = await store.messages.get(change.ownerId, change.messageId);
    if (!message) return;
    for (const listener of watching) listener({ type: 'message-upsert', conversationId: change.conversationId, seq: change.seq, message });
  }

  return {
    subscribe(ownerId, conversationId, listener) {
      const id = key(ownerId, conversationId);
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(id) === set) listeners.delete(id);
      };
    },
    publish(change) {
      const id = key(change.ownerId, change.messageId);
      const reading = delivering.get(id);
      if (reading) {
        // Read again once the read under way is sent: it may predate this change.
        if (!reading.next || change.seq > reading.next.seq) reading.next = change;
        return;
      }
      const entry: { next: Change | null } = { next: change };
      delivering.set(id, entry);
      const delivery = (async () => {
        for (let latest = entry.next; latest; latest = entry.next) {
          entry.next = null;
          await deliver(latest).catch((error: unknown) => logger.error({ err: error, change: latest }, 'could not deliver a conversation change'));
        }
      })().finally(() => {
        delivering.delete(id);
        pending.delete(delivery);
      });
      pending.add(delivery);
    },
    publishChunk(ownerId, chunk) {
      for (const listener of listeners.get(key(ownerId, chunk.conversationId)) ?? []) listener(chunk);
    },
    publishUpdated(ownerId, conversation) {
      for (const listener of listeners.get(key(ownerId, conversation.id)) ?? []) {
        listener({ type: 'conversation-updated', conversationId: conversation.id, conversation });
      }
    },
    publishDeleted(ownerId, conversationId) {
      const id = key(ownerId, conversationId);
      const watching = listeners.get(id);
      listeners.delete(id);
      for (const listener of watching ?? []) listener({ type: 'conversation-deleted', conversationId });
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending);
    },
    listenerCount: () => [...listeners.values()].reduce((total, set) => total + set.size, 0),
  };
}
