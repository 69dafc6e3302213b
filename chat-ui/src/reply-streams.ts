import { streamedParts } from './message-parts.ts';
import type { StreamedParts } from './message-parts.ts';
import { createReplyBuilder } from './reply-builder.ts';
import type { ReplyBuilder } from './reply-builder.ts';

/**
 * The replies being written in the open conversation, each rebuilt from its `message-chunk`
 * frames. A reply's chunks are numbered from 0; after every snapshot the server sends each reply
 * still being written again from chunk 0, so a tab that joins or reconnects mid-reply gets it whole.
 */
export type ReplyStreams = {
  /** A chunk of a reply; used only if it is the next one of its message, so a gap or a repeat never shows. */
  receive(messageId: string, seq: number, chunk: unknown): void;
  /**
   * A snapshot arrived: the replies it shows as still being written start over from chunk 0 (what
   * was built stays shown until the rebuild replaces it); the others have ended and are dropped.
   */
  restart(streamingMessageIds: readonly string[]): void;
  /** The reply is stored as it ended, and the stored message is shown from now on. */
  end(messageId: string): void;
  /** Drops every reply, e.g. when another conversation opens. */
  clear(): void;
  /** What each reply's chunks built so far, by message id; a new map after every change. */
  current(): ReadonlyMap<string, StreamedParts>;
  /** Calls `listener` after every change; returns the function that removes it. */
  subscribe(listener: () => void): () => void;
};

type Stream = { nextSeq: number; builder: ReplyBuilder };

export function createReplyStreams(): ReplyStreams {
  const streams = new Map<string, Stream>();
  let built: ReadonlyMap<string, StreamedParts> = new Map();
  const listeners = new Set<() => void>();

  function publish(next: ReadonlyMap<string, StreamedParts>): void {
    built = next;
    for (const listener of listeners) listener();
  }

  function open(messageId: string): Stream {
    const stream: Stream = {
      nextSeq: 0,
      builder: createReplyBuilder((message) => {
        // A builder replaced by a restart may still be finishing a chunk: only the current one shows.
        if (streams.get(messageId) === stream) publish(new Map(built).set(messageId, streamedParts(message)));
      }),
    };
    streams.set(messageId, stream);
    return stream;
  }

  function drop(messageId: string): void {
    streams.get(messageId)?.builder.close();
    streams.delete(messageId);
  }

  /** Stops showing what these replies' chunks built. */
  function forget(messageIds: readonly string[]): void {
    const next = new Map(built);
    for (const messageId of messageIds) next.delete(messageId);
    if (next.size !== built.size) publish(next);
  }

  return {
    receive(messageId, seq, chunk) {
      const stream = streams.get(messageId) ?? open(messageId);
      if (seq !== stream.nextSeq) return;
      stream.nextSeq += 1;
      stream.builder.push(chunk);
    },
    restart(streamingMessageIds) {
      const streaming = new Set(streamingMessageIds);
      for (const messageId of [...streams.keys()]) {
        drop(messageId);
        if (streaming.has(messageId)) open(messageId);
      }
      forget([...built.keys()].filter((messageId) => !streaming.has(messageId)));
    },
    end(messageId) {
      drop(messageId);
      forget([messageId]);
    },
    clear() {
      for (const messageId of [...streams.keys()]) drop(messageId);
      forget([...built.keys()]);
    },
    current: () => built,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
