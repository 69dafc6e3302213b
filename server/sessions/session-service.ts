import type { SessionView, StorageState } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Holder, Store } from '../store/store.ts';
import type { SessionCipher } from './session-cipher.ts';
import { sitesOf } from './session-sites.ts';

export type SessionService = {
  /** The owner's saved sessions that have not expired, most recently saved first; never their state. */
  list(ownerId: string): Promise<SessionView[]>;
  /** Deletes a saved session; `not-found` if the owner has none of that name. */
  delete(ownerId: string, name: string): Promise<void>;
  /**
   * The browser state a run of the owner's plan starts from. `not-found`, naming the session, when
   * there is none of that name (or it expired), or it cannot be read (SESSION_SECRET changed).
   */
  open(ownerId: string, name: string): Promise<StorageState>;
  /**
   * Saves the state a runner reported at the end of a run, encrypted, as the session the run's
   * plan saves (`browser.session.saveAs`). Applied once, like every runner event; null when not
   * applied (the runner does not hold the run), `saved: null` when the plan saves no session.
   */
  saveFromRun(holder: Holder, state: StorageState): Promise<{ saved: string | null } | null>;
  /** Deletes expired sessions. */
  deleteExpired(): Promise<number>;
};

export type SessionServiceOptions = {
  store: Store;
  cipher: SessionCipher;
  /** How long a saved session is kept, in days. */
  ttlDays: number;
};

/** Saved browser sessions (cookies and local storage), by name per owner; their state never leaves encrypted storage except to a runner. */
export function createSessionService({ store, cipher, ttlDays }: SessionServiceOptions): SessionService {
  return {
    list: (ownerId) => store.sessions.list(ownerId),

    async delete(ownerId, name) {
      if (!(await store.sessions.delete(ownerId, name))) {
        throw new SkipperError('not-found', `There is no saved session ${JSON.stringify(name)}.`);
      }
    },

    async open(ownerId, name) {
      const found = await store.sessions.get(ownerId, name);
      const shown = JSON.stringify(name);
      if (!found) {
        throw new SkipperError('not-found', `There is no saved session ${shown} (it may have expired). Run a plan that saves it first.`);
      }
      const state = cipher.open({ ownerId, name: found.session.name, sealed: found.state });
      if (!state) {
        throw new SkipperError(
          'not-found',
          `The saved session ${shown} cannot be read: it was saved with another SESSION_SECRET (or session.key). Run a plan that saves it again.`,
        );
      }
      return state;
    },

    saveFromRun(holder, state) {
      return store.queue.sessionSaved({
        ...holder,
        ttlDays,
        seal: ({ ownerId, name }) => ({ state: cipher.seal({ ownerId, name, state }), sites: sitesOf(state) }),
      });
    },

    deleteExpired: () => store.sessions.deleteExpired(),
  };
}
