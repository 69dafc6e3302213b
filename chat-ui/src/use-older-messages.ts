import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_PAGE_SIZE } from '../../protocol/index.ts';
import type { ChatMessage } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { describeError } from './api-error.ts';

export type OlderPage = { conversationId: string; before: string; messages: readonly ChatMessage[]; hasOlder: boolean };

export type OlderMessages = {
  loading: boolean;
  /** Why the last page could not be read, in words for people. */
  error: string | null;
  /** Reads the page just before the oldest message shown; does nothing while a page is being read. */
  load(): void;
};

export type OlderMessagesOptions = {
  api: ApiClient;
  conversationId: string | null;
  /** The oldest message shown: the page ends just before it. */
  oldestMessageId: string | undefined;
  onPage(page: OlderPage): void;
};

type RequestState = { conversationId: string; loading: boolean; error: string | null };

/** Reads a long conversation's earlier messages over HTTP, a page at a time, when the reader asks for them. */
export function useOlderMessages({ api, conversationId, oldestMessageId, onPage }: OlderMessagesOptions): OlderMessages {
  const [request, setRequest] = useState<RequestState | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  // A page of the conversation that was open before is of no use.
  useEffect(
    () => () => {
      inFlight.current?.abort();
      inFlight.current = null;
    },
    [conversationId],
  );

  const load = useCallback(() => {
    if (conversationId === null || oldestMessageId === undefined || inFlight.current) return;
    const controller = new AbortController();
    inFlight.current = controller;
    setRequest({ conversationId, loading: true, error: null });
    api
      .listMessages(conversationId, { before: oldestMessageId, limit: DEFAULT_PAGE_SIZE, signal: controller.signal })
      .then(
        ({ messages, hasOlder }) => {
          onPage({ conversationId, before: oldestMessageId, messages, hasOlder });
          setRequest({ conversationId, loading: false, error: null });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setRequest({ conversationId, loading: false, error: describeError(error) });
        },
      )
      .finally(() => {
        if (inFlight.current === controller) inFlight.current = null;
      });
  }, [api, conversationId, oldestMessageId, onPage]);

  const current = request?.conversationId === conversationId ? request : null;
  return { loading: current?.loading ?? false, error: current?.error ?? null, load };
}
