import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { describeError } from './api-error.ts';

export type ConversationList = {
  /** Newest first; null until the first load. */
  conversations: Conversation[] | null;
  error: string | null;
  refresh(): void;
  /** Shows a conversation just created, before the next refresh lists it. */
  add(conversation: Conversation): void;
};

/** The sidebar's list. The socket carries no list updates, so it is refreshed on focus and after sends. */
export function useConversations(api: ApiClient): ConversationList {
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latestRequest = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    latestRequest.current?.abort();
    const controller = new AbortController();
    latestRequest.current = controller;
    api.listConversations({ signal: controller.signal }).then(
      (list) => {
        setConversations(list);
        setError(null);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(describeError(reason));
      },
    );
  }, [api]);

  const add = useCallback((conversation: Conversation) => {
    setConversations((list) => [conversation, ...(list ?? []).filter((item) => item.id !== conversation.id)]);
  }, []);

  useEffect(() => {
    refresh();
    window.addEventListener('focus', refresh);
    return () => {
      window.removeEventListener('focus', refresh);
      latestRequest.current?.abort();
    };
  }, [refresh]);

  return { conversations, error, refresh, add };
}
