import type { RunAssign, RunSettings } from '../../protocol/index.ts';
import { createPeriodicTask } from '../background/periodic-task.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Logger } from '../logger.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { Change, Claim, FinishedRun, Store } from '../store/store.ts';
import type { RunnerRegistry } from './runner-registry.ts';

export type DispatchLoopOptions = {
  store: Store;
  registry: RunnerRegistry;
  publish(change: Change): void;
  logger: Logger;
  leaseMs: number;
  maxDurationMs: number;
  settings: RunSettings;
  /** Opens the saved session a plan starts from. */
  sessions: Pick<SessionService, 'open'>;
  /** A claimed run could not start (its saved session is missing) and failed. */
  onRunFailed(finished: FinishedRun): Promise<void>;
  /** How often to look for queued runs without being woken (runs queued by another server instance). */
  everyMs: number;
};

export type DispatchLoop = {
  /** New work or a free slot: hand queued runs to runners with free slots. Calls made while dispatching are coalesced. */
  wake(): void;
  start(): void;
  stop(): Promise<void>;
};

/** Hands queued runs to connected runners, oldest run first, least busy runner first. */
export function createDispatchLoop(options: DispatchLoopOptions): DispatchLoop {
  const { store, registry, publish, logger, leaseMs, maxDurationMs, settings } = options;

  async function dispatchQueued() {
    for (let session = registry.leastBusy(); session; session = registry.leastBusy()) {
      const claim = await store.queue.claimNext({ runnerId: session.id, leaseMs, maxDurationMs });
      if (!claim) return;
      publish(claim.change);
      if (session.closed) {
        // The runner left while the claim was being made: the lease sweeper takes the run back.
        await store.queue.release({ runnerId: session.id, graceMs: 0 });
        continue;
      }
      const browser = await browserFor(claim);
      if ('error' in browser) {
        const finished = await store.queue.refuseClaim({ runnerId: session.id, runId: claim.runId, attempt: claim.attempt, error: browser.error });
        if (finished) {
          publish(finished.change);
          await options.onRunFailed(finished);
        }
        continue;
      }
      session.active.set(claim.runId, { attempt: claim.attempt, stepCount: claim.steps.length });
      session.send({ type: 'run-assign', runId: claim.runId, attempt: claim.attempt, steps: claim.steps, settings, compiled: claim.compiled, ...browser });
      logger.info({ runId: claim.runId, attempt: claim.attempt, runner: session.name }, 'run assigned');
    }
  }

  /**
   * The browser options of a claimed run, with the saved session it starts from; or why it
   * cannot start: the session is missing, expired or unreadable. Checked here, when the run is
   * about to start, because a session saved by an earlier run may appear (or expire) while it waits.
   */
  async function browserFor(claim: Claim): Promise<Pick<RunAssign, 'browser' | 'storageState'> | { error: { code: 'not-found'; message: string } }> {
    const use = claim.browser?.session?.use;
    if (!use) return claim.browser ? { browser: claim.browser } : {};
    try {
      return { browser: claim.browser, storageState: await options.sessions.open(claim.change.ownerId, use) };
    } catch (error) {
      if (SkipperError.isInstance(error) && error.code === 'not-found') return { error: { code: 'not-found', message: error.message } };
      throw error;
    }
  }

  const task = createPeriodicTask({ name: 'dispatching runs', everyMs: options.everyMs, run: dispatchQueued, logger });
  return { wake: task.runNow, start: task.start, stop: task.stop };
}
