import { useMemo, useSyncExternalStore } from 'react';
import type { MouseEvent } from 'react';

export type Route = { conversationId: string | null };

const CONVERSATION_PATH = /^\/c\/([^/]+)\/?$/;
const listeners = new Set<() => void>();

export function conversationPath(conversationId: string): string {
  return `/c/${encodeURIComponent(conversationId)}`;
}

export function parseRoute(pathname: string): Route {
  const encoded = CONVERSATION_PATH.exec(pathname)?.[1];
  if (encoded === undefined) return { conversationId: null };
  try {
    return { conversationId: decodeURIComponent(encoded) };
  } catch {
    return { conversationId: encoded };
  }
}

/** Changes the URL with the History API and re-renders every `useRoute`. */
export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** For <a href> clicks: navigates in place, but leaves new-tab and new-window clicks to the browser. */
export function followLink(event: MouseEvent<HTMLAnchorElement>, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  return useMemo(() => parseRoute(pathname), [pathname]);
}
