import type { ServerToRunnerMessage } from '../../protocol/index.ts';

/** A run a runner was given and has not ended yet. */
export type ActiveRun = { attempt: number; stepCount: number };

/** One connection of a runner, as the server sees it. */
export type RunnerSession = {
  /** The runner's own id: the same across its reconnections. */
  id: string;
  name: string;
  /** Runs assigned at once at most. */
  capacity: number;
  /** Runs assigned to this runner that it has not ended yet, by run id. */
  active: Map<string, ActiveRun>;
  /** Set at once when the connection goes, so nothing more is assigned to it. */
  closed: boolean;
  /** False when the connection is no longer open (the message was not sent). */
  send(message: ServerToRunnerMessage): boolean;
  /** Ends the connection (it was replaced by a newer one of the same runner). */
  close(code: number, reason: string): void;
};

export type RunnerRegistry = {
  /** Adds a session; returns the earlier session of the same runner that it replaces, if any. */
  add(session: RunnerSession): RunnerSession | undefined;
  /** Removes a session; false when a newer session of the same runner has already taken its place. */
  remove(session: RunnerSession): boolean;
  get(runnerId: string): RunnerSession | undefined;
  /** The open runner with a free slot and the smallest share of its capacity in use, so work spreads out. */
  leastBusy(): RunnerSession | undefined;
  size(): number;
};

/** The runners connected to this server instance, one session per runner. */
export function createRunnerRegistry(): RunnerRegistry {
  const sessions = new Map<string, RunnerSession>();
  return {
    add(session) {
      const replaced = sessions.get(session.id);
      sessions.set(session.id, session);
      if (replaced) replaced.closed = true;
      return replaced;
    },
    remove(session) {
      session.closed = true;
      if (sessions.get(session.id) !== session) return false;
      sessions.delete(session.id);
      return true;
    },
    get: (runnerId) => sessions.get(runnerId),
    leastBusy() {
      let best: RunnerSession | undefined;
      for (const session of sessions.values()) {
        if (session.closed || session.active.size >= session.capacity) continue;
        if (!best || session.active.size / session.capacity < best.active.size / best.capacity) best = session;
      }
      return best;
    },
    size: () => sessions.size,
  };
}
