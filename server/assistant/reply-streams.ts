import type { UIMessageChunk } from 'ai';
import type { ErrorInfo, MessageStatus } from '../../protocol/index.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import { ReplyStopped } from '../models/reply-stopped.ts';
import type { Store, StoredPart } from '../store/store.ts';

/** How a reply ended: what it says, and why it ended. */
export type ReplyOutcome = { parts: StoredPart[]; status: Exclude<MessageStatus, 'streaming'>; error?: ErrorInfo };

/** Writes a reply, sending each chunk as it comes; aborting `signal` stops it (keeping what was written). */
export type ReplyWriter = (signal: AbortSignal, emit: (chunk: UIMessageChunk) => void) => Promise<ReplyOutcome>;

/** The chunks of a reply still being written, for a tab that joins or reconnects mid-reply. */
export type RetainedReply = { messageId: string; chunks: UIMessageChunk[] };

export type ReplyStreams = {
  /** Writes a reply into its (streaming) message in the background, then stores how it ended. */
  start(input: { ownerId: string; conversationId: string; messageId: string; write: ReplyWriter }): void;
  /** Stops a reply this owner is waiting for; false when it is not being written here. */
  stop(ownerId: string, messageId: string): boolean;
  /** The replies being written in a conversation, with their chunks so far. */
  retained(ownerId: string, conversationId: string): RetainedReply[];
  /** Stops every reply (the server is stopping) and waits until each is stored. */
  close(): Promise<void>;
};

type ActiveReply = {
  ownerId: string;
  conversationId: string;
  controller: AbortController;
  chunks: UIMessageChunk[];
  done: Promise<void>;
};

export type ReplyStreamsOptions = {
  store: Store;
  hub: ConversationHub;
  logger: Logger;
  /** How long a streaming message stays `streaming` without renewal; renewed three times per lease. */
  leaseMs: number;
};

/**
 * The replies this server is writing. Each chunk goes to every tab watching the conversation
 * (`message-chunk`, numbered from 0) and is kept until the reply is stored, so a tab that opens
 * mid-reply gets it whole. Streaming messages are leased: if this server stops without storing
 * a reply, the lease runs out and the reply is marked failed (see store.failAbandonedStreams).
 */
export function createReplyStreams({ store, hub, logger, leaseMs }: ReplyStreamsOptions): ReplyStreams {
  const active = new Map<string, ActiveReply>();
  const renewal = setInterval(() => {
    store.messages.renewStreams([...active.keys()], leaseMs).catch((error: unknown) => logger.warn({ err: error }, 'could not renew reply leases'));
  }, Math.max(Math.floor(leaseMs / 3), 100));
  renewal.unref();

  async function finish(ownerId: string, messageId: string, outcome: ReplyOutcome) {
    const change = await store.messages.update(ownerId, messageId, outcome);
    if (change) hub.publish(change);
  }

  return {
    start({ ownerId, conversationId, messageId, write }) {
      const controller = new AbortController();
      const chunks: UIMessageChunk[] = [];
      const emit = (chunk: UIMessageChunk) => {
        const seq = chunks.length;
        chunks.push(chunk);
        hub.publishChunk(ownerId, { type: 'message-chunk', conversationId, messageId, seq, chunk });
      };
      const done = write(controller.signal, emit)
        .catch((error: unknown): ReplyOutcome => {
          logger.error({ err: error, messageId }, 'writing a reply failed');
          return { parts: [], status: 'failed', error: { code: 'internal', message: 'The reply could not be written. Please send your message again.' } };
        })
        .then((outcome) => finish(ownerId, messageId, outcome))
        .catch((error: unknown) => logger.error({ err: error, messageId }, 'storing a reply failed'))
        .finally(() => active.delete(messageId));
      active.set(messageId, { ownerId, conversationId, controller, chunks, done });
    },

    stop(ownerId, messageId) {
      const reply = active.get(messageId);
      if (!reply || reply.ownerId !== ownerId) return false;
      reply.controller.abort(new ReplyStopped('person'));
      return true;
    },

    retained(ownerId, conversationId) {
      return [...active.entries()]
        .filter(([, reply]) => reply.ownerId === ownerId && reply.conversationId === conversationId)
        .map(([messageId, reply]) => ({ messageId, chunks: [...reply.chunks] }));
    },

    async close() {
      clearInterval(renewal);
      for (const reply of active.values()) reply.controller.abort(new ReplyStopped('server-stopping'));
      await Promise.all([...active.values()].map((reply) => reply.done));
    },
  };
}
