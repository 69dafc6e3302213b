import { useCallback, useEffect, useReducer, useState } from 'react';
import { z } from 'zod';
import type { ChatMessage, Conversation, PlanView, RunView } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { ApiError, describeError } from './api-error.ts';
import { conversationReducer, initialConversationState } from './conversation-state.ts';
import type { ConversationState } from './conversation-state.ts';
import type { LiveSocket } from './live-socket.ts';
import { useOlderMessages } from './use-older-messages.ts';
import type { OlderMessages, OlderPage } from './use-older-messages.ts';

const ConversationIdSchema = z.uuid();

export type OpenConversation = ConversationState & {
  /** Loads the conversation again after a failure. */
  retry(): void;
  /** Adds messages from an HTTP response (they also arrive over the socket, usually first). */
  merge(conversationId: string, messages: readonly ChatMessage[]): void;
  /** Shows a run we were sent over HTTP (e.g. by cancel) before the socket reports it. */
  applyRun(run: RunView): void;
  /** Shows a plan we were sent over HTTP (edited or discarded) before the socket reports it. */
  applyPlan(plan: PlanView): void;
  /** Shows the conversation as an HTTP response returned it (e.g. after switching auto-run). */
  applyConversation(conversation: Conversation): void;
  /** The messages before the newest, which the socket and the first load leave out. */
  older: OlderMessages;
};

/** The messages of the open conversation: loaded over HTTP, then kept live over the socket. */
export function useConversation({ conversationId, socket, api }: { conversationId: string | null; socket: LiveSocket; api: ApiClient }): OpenConversation {
  const [state, dispatch] = useReducer(conversationReducer, conversationId, initialConversationState);
  const [loadCount, setLoadCount] = useState(0);

  useEffect(() => {
    dispatch({ type: 'reset', conversationId });
    if (conversationId === null) return;
    if (!ConversationIdSchema.safeParse(conversationId).success) {
      dispatch({ type: 'failed', conversationId, notFound: true, problem: 'This link does not point to a conversation.' });
      return;
    }

    // Chunks of replies being written are built apart, by useReplyStreams.
    const stopListening = socket.onMessage((frame) => {
      if (frame.type === 'welcome' || frame.conversationId !== conversationId) return;
      if (frame.type === 'conversation-snapshot') {
        dispatch({ type: 'snapshot', conversationId, seq: frame.seq, messages: frame.messages, hasOlder: frame.hasOlder });
      } else if (frame.type === 'message-upsert') {
        dispatch({ type: 'upsert', conversationId, seq: frame.seq, message: frame.message });
      } else if (frame.type === 'conversation-updated') {
        dispatch({ type: 'conversation', conversation: frame.conversation });
      } else if (frame.type === 'conversation-deleted') {
        // The server has ended the subscription; subscribing again after a reconnect would only replace this notice.
        socket.unsubscribe(conversationId);
        dispatch({ type: 'failed', conversationId, notFound: true, problem: 'This conversation was deleted.' });
      } else if (frame.type === 'error') {
        const notFound = frame.code === 'not-found' || frame.code === 'invalid-id';
        dispatch({ type: 'failed', conversationId, notFound, problem: `Live updates are unavailable: ${frame.message}` });
      }
    });
    socket.subscribe(conversationId);

    const controller = new AbortController();
    api.getConversation(conversationId, { signal: controller.signal }).then(
      ({ conversation, messages, hasOlder }) => {
        dispatch({ type: 'conversation', conversation });
        dispatch({ type: 'merge', conversationId, messages, hasOlder });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const notFound = ApiError.isInstance(error) && (error.code === 'not-found' || error.code === 'invalid-id');
        dispatch({ type: 'failed', conversationId, notFound, problem: describeError(error) });
      },
    );

    return () => {
      controller.abort();
      stopListening();
      socket.unsubscribe(conversationId);
    };
  }, [conversationId, socket, api, loadCount]);

  const retry = useCallback(() => setLoadCount((count) => count + 1), []);
  const merge = useCallback(
    (id: string, messages: readonly ChatMessage[]) => dispatch({ type: 'merge', conversationId: id, messages }),
    [],
  );
  const applyRun = useCallback((run: RunView) => dispatch({ type: 'run-update', run }), []);
  const applyPlan = useCallback((plan: PlanView) => dispatch({ type: 'plan-update', plan }), []);
  const applyConversation = useCallback((conversation: Conversation) => dispatch({ type: 'conversation', conversation }), []);

  // Until the effect has reset the state, it still describes the previous conversation.
  const visible = state.conversationId === conversationId ? state : initialConversationState(conversationId);
  const addOlderPage = useCallback((page: OlderPage) => dispatch({ type: 'older', ...page }), []);
  const older = useOlderMessages({ api, conversationId, oldestMessageId: visible.messages[0]?.id, onPage: addOlderPage });
  return { ...visible, retry, merge, applyRun, applyPlan, applyConversation, older };
}
