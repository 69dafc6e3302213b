import type { RunView } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Change, FinishedRun, HeldRun, Store } from '../store/store.ts';

export type RunService = {
  /** Cancels a queued or running run of this owner and stops its runner; a run that already ended is returned as it is. */
  cancel(ownerId: string, runId: string): Promise<RunView>;
};

export function createRunService(options: {
  store: Store;
  publish(change: Change): void;
  /** The run ended: post its closing message. */
  onRunFinished(finished: FinishedRun): Promise<void>;
  /** Tell the runners holding these runs to stop. */
  stopRuns(held: HeldRun[]): void;
}): RunService {
  const { store, publish } = options;
  return {
    async cancel(ownerId, runId) {
      const result = await store.runs.cancel(ownerId, runId);
      if (!result) throw SkipperError.notFound('run');
      if (result.runnerId !== undefined && result.attempt !== undefined) {
        options.stopRuns([{ runId, attempt: result.attempt, runnerId: result.runnerId }]);
      }
      if (result.change) {
        publish(result.change);
        await options.onRunFinished({ run: result.run, plan: result.plan, change: result.change });
      }
      return result.run;
    },
  };
}
