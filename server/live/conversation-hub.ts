import type { Conversation, MessageChunk, UiServerMessage } from '../../protocol/index.ts';
import type { EventPort } from '../events/event-port.ts';
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

/** Messages sent again to each watched conversation when the event port may have missed events. */
const RESEND_AFTER_GAP = 50;

/**
 * Fans changes out to the sockets of this server instance. Every publish goes through the
 * event port (ARCHITECTURE D11), so a change made on any instance reaches the tabs watching on
 * every instance. A change is read back from the store after its commit, so what is sent is at
 * least as new as its seq; clients keep the highest seq per message, which makes out-of-order
 * delivery harmless. Changes to a message that arrive while it is being read are coalesced
 * into one more read.
 */
export function createConversationHub({ store, logger, events }: { store: Store; logger: Logger; events: EventPort }): ConversationHub {
  const listeners = new Map<string, Set<ConversationListener>>();
  const pending = new Set<Promise<void>>();
  // Per message, the change still to read while a read of it is under way: a burst of changes
  // to one message (a step's start, picture and end, from many runs at once) costs at most two
  // reads, and the last one is read after every change in the burst was committed.
  const delivering = new Map<string, { next: Change | null }>();
  const key = (ownerId: string, conversationId: string) => `${ownerId}/${conversationId}`;
  const watchersOf = (ownerId: string, conversationId: string) => listeners.get(key(ownerId, conversationId)) ?? new Set<ConversationListener>();

  function track(work: Promise<void>) {
    const tracked = work.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  async function deliver(change: Change): Promise<void> {
    const watching = listeners.get(key(change.ownerId, change.conversationId));
    if (!watching?.size) return;
    const message = await store.messages.get(change.ownerId, change.messageId);
    if (!message) return;
    for (const listener of watching) listener({ type: 'message-upsert', conversationId: change.conversationId, seq: change.seq, message });
  }

  function deliverCoalesced(change: Change) {
    const id = key(change.ownerId, change.messageId);
    const reading = delivering.get(id);
    if (reading) {
      // Read again once the read under way is sent: it may predate this change.
      if (!reading.next || change.seq > reading.next.seq) reading.next = change;
      return;
    }
    const entry: { next: Change | null } = { next: change };
    delivering.set(id, entry);
    track(
      (async () => {
        for (let latest = entry.next; latest; latest = entry.next) {
          entry.next = null;
          await deliver(latest).catch((error: unknown) => logger.error({ err: error, change: latest }, 'could not deliver a conversation change'));
        }
      })().finally(() => delivering.delete(id)),
    );
  }

  /** After a gap in the events, each watched conversation's newest messages are sent again, as they are now. */
  async function resendWatched() {
    for (const id of [...listeners.keys()]) {
      const [ownerId, conversationId] = id.split('/') as [string, string];
      const snapshot = await store.conversations.snapshot(ownerId, conversationId, { limit: RESEND_AFTER_GAP });
      for (const message of snapshot?.messages ?? []) {
        for (const listener of watchersOf(ownerId, conversationId)) listener({ type: 'message-upsert', conversationId, seq: snapshot!.seq, message });
      }
    }
  }

  events.subscribe('message-changed', (event) => deliverCoalesced(event.change));
  events.subscribe('message-chunk', ({ ownerId, chunk }) => {
    for (const listener of watchersOf(ownerId, chunk.conversationId)) listener(chunk);
  });
  events.subscribe('conversation-updated', ({ ownerId, conversation }) => {
    for (const listener of watchersOf(ownerId, conversation.id)) listener({ type: 'conversation-updated', conversationId: conversation.id, conversation });
  });
  events.subscribe('conversation-deleted', ({ ownerId, conversationId }) => {
    const id = key(ownerId, conversationId);
    const watching = listeners.get(id);
    listeners.delete(id);
    for (const listener of watching ?? []) listener({ type: 'conversation-deleted', conversationId });
  });
  events.onGap(() => track(resendWatched().catch((error: unknown) => logger.error({ err: error }, 'could not resend conversations after an event gap'))));

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
    publish: (change) => events.publish({ type: 'message-changed', change }),
    publishChunk: (ownerId, chunk) => events.publish({ type: 'message-chunk', ownerId, chunk }),
    publishUpdated: (ownerId, conversation) => events.publish({ type: 'conversation-updated', ownerId, conversation }),
    publishDeleted: (ownerId, conversationId) => events.publish({ type: 'conversation-deleted', ownerId, conversationId }),
    async idle() {
      await events.idle();
      while (pending.size > 0) await Promise.all(pending);
    },
    listenerCount: () => [...listeners.values()].reduce((total, set) => total + set.size, 0),
  };
}
