import { useCallback, useState } from 'react';
import type { SessionView } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { ApiError, describeError } from './api-error.ts';

export type SavedSessions = {
  /** Newest first; null until listed. */
  sessions: readonly SessionView[] | null;
  loading: boolean;
  /** Why listing them failed, in words for people. */
  error: string | null;
  /** Lists them (again). */
  load(): void;
  /** Deletes one; rejects with why it could not. */
  remove(name: string): Promise<void>;
};

/** The browser sessions runs saved, listed when asked for (the panel showing them is opened). */
export function useSavedSessions(api: ApiClient): SavedSessions {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    setLoading(true);
    setError(null);
    api.listSessions().then(
      (listed) => {
        setSessions(listed);
        setLoading(false);
      },
      (reason: unknown) => {
        setError(describeError(reason));
        setLoading(false);
      },
    );
  }, [api]);

  const remove = useCallback(
    async (name: string) => {
      try {
        await api.deleteSession(name);
      } catch (reason) {
        // Deleted meanwhile, e.g. from another tab: what was asked for is done.
        if (!(ApiError.isInstance(reason) && reason.code === 'not-found')) throw reason;
      }
      setSessions((current) => current && current.filter((session) => session.name !== name));
    },
    [api],
  );

  return { sessions, loading, error, load, remove };
}
