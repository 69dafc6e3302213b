import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LiveSocket } from './live-socket.ts';
import type { StreamedParts } from './message-parts.ts';
import { createReplyStreams } from './reply-streams.ts';

/** What the replies being written in the open conversation have said so far, by message id, live from the socket. */
export function useReplyStreams({ conversationId, socket }: { conversationId: string | null; socket: LiveSocket }): ReadonlyMap<string, StreamedParts> {
  const [streams] = useState(createReplyStreams);

  useEffect(() => {
    if (conversationId === null) return;
    const stopListening = socket.onMessage((frame) => {
      if (frame.type === 'welcome' || frame.conversationId !== conversationId) return;
      if (frame.type === 'conversation-snapshot') {
        streams.restart(frame.messages.flatMap((message) => (message.metadata.status === 'streaming' ? [message.id] : [])));
      } else if (frame.type === 'message-chunk') {
        streams.receive(frame.messageId, frame.seq, frame.chunk);
      } else if (frame.type === 'message-upsert' && frame.message.metadata.status !== 'streaming') {
        streams.end(frame.message.id);
      }
    });
    return () => {
      stopListening();
      streams.clear();
    };
  }, [conversationId, socket, streams]);

  return useSyncExternalStore(streams.subscribe, streams.current);
}
