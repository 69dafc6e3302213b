import { useCallback, useState } from 'react';
import type { ApiClient } from './api-client.ts';
import { describeError } from './api-error.ts';

export type ReplyStopper = {
  stop(): void;
  /** Stop was asked for and the reply has not ended yet. */
  stopping: boolean;
  /** Why the last stop failed. */
  error: string | null;
};

/**
 * Stops the reply being written (`messageId`, or null when none is). The reply ends over the
 * socket, marked stopped and keeping what it said; until then it counts as stopping.
 */
export function useStopReply(api: ApiClient, messageId: string | null): ReplyStopper {
  const [asked, setAsked] = useState<{ messageId: string; error: string | null } | null>(null);

  const stop = useCallback(() => {
    if (messageId === null) return;
    setAsked({ messageId, error: null });
    api.stopReply(messageId).then(
      () => undefined,
      (error: unknown) => setAsked({ messageId, error: describeError(error) }),
    );
  }, [api, messageId]);

  const current = asked?.messageId === messageId ? asked : null;
  return { stop, stopping: current !== null && current.error === null, error: current?.error ?? null };
}
