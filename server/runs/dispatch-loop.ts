import type { RunSettings } from '../../protocol/index.ts';
import { createPeriodicTask } from '../background/periodic-task.ts';
import type { Logger } from '../logger.ts';
import type { Change, Store } from '../store/store.ts';
import type { RunnerRegistry } from './runner-registry.ts';

export type DispatchLoopOptions = {
  store: Store;
  registry: RunnerRegistry;
  publish(change: Change): void;
  logger: Logger;
  leaseMs: number;
  maxDurationMs: number;
  settings: RunSettings;
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
      session.active.set(claim.runId, { attempt: claim.attempt, stepCount: claim.steps.length });
      session.send({ type: 'run-assign', runId: claim.runId, attempt: claim.attempt, steps: claim.steps, settings, compiled: claim.compiled });
      logger.info({ runId: claim.runId, attempt: claim.attempt, runner: session.name }, 'run assigned');
    }
  }

  const task = createPeriodicTask({ name: 'dispatching runs', everyMs: options.everyMs, run: dispatchQueued, logger });
  return { wake: task.runNow, start: task.start, stop: task.stop };
}
