import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../protocol/index.ts';
import type { Conversation } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { describeError } from './api-error.ts';
import type { LiveSocket } from './live-socket.ts';

export type ConversationList = {
  /** Most recently active first; null until the first load. */
  conversations: Conversation[] | null;
  error: string | null;
  refresh(): void;
  /** Shows a conversation just created, before the next refresh lists it. */
  add(conversation: Conversation): void;
  /** Drops a conversation that was deleted. */
  remove(conversationId: string): void;
  more: MoreConversations;
};

/** The next page of the list: the conversations less recently active than those shown. */
export type MoreConversations = {
  available: boolean;
  loading: boolean;
  /** Why the last page could not be read, in words for people. */
  error: string | null;
  load(): void;
};

type Listed = { conversations: Conversation[]; nextCursor: string | null };

/**
 * The sidebar's list, a page at a time. The socket says only when an open conversation is
 * deleted, so the list is also refreshed on focus and after sends.
 */
export function useConversations(api: ApiClient, socket: LiveSocket): ConversationList {
  const [listed, setListed] = useState<Listed | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [nextPage, setNextPage] = useState<{ loading: boolean; error: string | null }>({ loading: false, error: null });
  const latestRefresh = useRef<AbortController | null>(null);
  // A refresh reads as many conversations as are shown, so "Show more" is not undone by it (up to the largest page).
  const shownCount = useRef(0);
  useEffect(() => {
    shownCount.current = listed?.conversations.length ?? 0;
  }, [listed]);

  const refresh = useCallback(() => {
    latestRefresh.current?.abort();
    const controller = new AbortController();
    latestRefresh.current = controller;
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(DEFAULT_PAGE_SIZE, shownCount.current));
    api.listConversations({ limit, signal: controller.signal }).then(
      (page) => {
        setListed(page);
        setError(null);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(describeError(reason));
      },
    );
  }, [api]);

  const cursor = listed?.nextCursor ?? null;
  const loadMore = useCallback(() => {
    if (cursor === null || nextPage.loading) return;
    setNextPage({ loading: true, error: null });
    api.listConversations({ cursor }).then(
      (page) => {
        setListed((current) => appendPage(current, cursor, page));
        setNextPage({ loading: false, error: null });
      },
      (reason: unknown) => setNextPage({ loading: false, error: describeError(reason) }),
    );
  }, [api, cursor, nextPage.loading]);

  const add = useCallback((conversation: Conversation) => {
    setListed((current) => ({
      conversations: [conversation, ...(current?.conversations ?? []).filter((item) => item.id !== conversation.id)],
      nextCursor: current?.nextCursor ?? null,
    }));
  }, []);

  const remove = useCallback((conversationId: string) => {
    setListed((current) => current && { ...current, conversations: current.conversations.filter((item) => item.id !== conversationId) });
  }, []);

  useEffect(() => {
    refresh();
    window.addEventListener('focus', refresh);
    return () => {
      window.removeEventListener('focus', refresh);
      latestRefresh.current?.abort();
    };
  }, [refresh]);

  // Another tab deleted a conversation this tab has open.
  useEffect(
    () =>
      socket.onMessage((frame) => {
        if (frame.type === 'conversation-deleted') remove(frame.conversationId);
      }),
    [socket, remove],
  );

  return {
    conversations: listed?.conversations ?? null,
    error,
    refresh,
    add,
    remove,
    more: { available: cursor !== null, loading: nextPage.loading, error: nextPage.error, load: loadMore },
  };
}

/** The list with the page that was read from `cursor`, if the list still ends there (a refresh since may have moved its end). */
function appendPage(current: Listed | null, cursor: string, page: Listed): Listed | null {
  if (current?.nextCursor !== cursor) return current;
  const shown = new Set(current.conversations.map((item) => item.id));
  return { conversations: [...current.conversations, ...page.conversations.filter((item) => !shown.has(item.id))], nextCursor: page.nextCursor };
}
