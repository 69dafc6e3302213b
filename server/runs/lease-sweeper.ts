import { createPeriodicTask } from '../background/periodic-task.ts';
import type { Logger } from '../logger.ts';
import type { Change, FinishedRun, HeldRun, LostAttempt, LostAttemptOutcome, Store } from '../store/store.ts';

export type LeaseSweeperOptions = {
  store: Store;
  publish(change: Change): void;
  logger: Logger;
  /** What becomes of each lost attempt (lost-attempt-policy.ts). */
  decide(lost: LostAttempt): LostAttemptOutcome;
  /** A run ended here; its runner, if still connected, must stop it. */
  onEnded(finished: FinishedRun, holder: HeldRun): Promise<void>;
  /** Runs were queued again (their runner lost): stop what they still had going, wake the dispatcher. */
  onRequeued(runIds: string[]): void;
  everyMs: number;
};

/**
 * Takes back attempts whose runner is gone (lease expired: it disconnected and did not come
 * back, or stopped sending heartbeats) or that ran past their deadline.
 */
export function createLeaseSweeper(options: LeaseSweeperOptions) {
  const { store, publish, logger, decide } = options;

  async function sweep() {
    const { requeued, ended } = await store.queue.reclaim({ decide });
    for (const { change } of requeued) publish(change);
    for (const finished of ended) {
      publish(finished.change);
      await options.onEnded(finished, finished.holder);
    }
    if (requeued.length > 0) {
      logger.warn({ runs: requeued.length }, 'runs queued again after losing their runner');
      options.onRequeued(requeued.map((run) => run.runId));
    }
  }

  return createPeriodicTask({ name: 'reclaiming expired leases', everyMs: options.everyMs, run: sweep, logger });
}
