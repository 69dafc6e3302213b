import type {
  ErrorInfo,
  RunnerMessage,
  RunSettings,
  RunView,
  ServerToRunnerMessage,
  StepScreenshotHeader,
} from '../../protocol/index.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import type { FinishedRun, Store } from '../store/store.ts';

/** One connected runner, as the dispatcher sees it. */
export type RunnerSession = {
  id: string;
  name: string;
  capacity: number;
  /** Runs assigned to this runner that it has not ended yet: run id -> attempt. */
  active: Map<string, number>;
  closed: boolean;
  send(message: ServerToRunnerMessage): void;
};

export type RunDispatcher = {
  attach(session: RunnerSession): void;
  /** The runner is gone: its runs are queued again (or failed when out of attempts). */
  detach(session: RunnerSession): Promise<void>;
  handle(session: RunnerSession, message: Exclude<RunnerMessage, { type: 'hello' }>): Promise<void>;
  handleScreenshot(session: RunnerSession, header: StepScreenshotHeader, jpeg: Uint8Array): Promise<void>;
  /** New work may be waiting: hand queued runs to runners with free slots. */
  wake(): void;
  /** Cancels a run for its owner and tells its runner to stop. Null if the owner has no such run. */
  cancel(ownerId: string, runId: string): Promise<RunView | null>;
  runnerCount(): number;
  /** Starts the lease sweeper. */
  start(): void;
  stop(): Promise<void>;
};

export type RunDispatcherOptions = {
  store: Store;
  hub: ConversationHub;
  logger: Logger;
  /** How long a run stays with a runner that sends no heartbeat. */
  leaseMs: number;
  settings: RunSettings;
  /** Called once for every run that reaches a final status. */
  onRunFinished(finished: FinishedRun): Promise<void>;
};

const DISCONNECTED: ErrorInfo = { code: 'runner-lost', message: 'The runner executing this run disconnected.' };
const LEASE_EXPIRED: ErrorInfo = { code: 'runner-lost', message: 'The runner executing this run stopped responding.' };

export function createRunDispatcher(options: RunDispatcherOptions): RunDispatcher {
  const { store, hub, logger, leaseMs } = options;
  const sessions = new Map<string, RunnerSession>();
  // Expired leases are looked for a few times per lease, so a lost run waits at most ~1.25 leases.
  const sweepEveryMs = Math.min(Math.max(Math.floor(leaseMs / 4), 250), 5_000);
  let sweeper: NodeJS.Timeout | undefined;
  let dispatching: Promise<void> | undefined;
  let wokenWhileDispatching = false;
  const background = new Set<Promise<unknown>>();

  function track(work: Promise<unknown>, what: string) {
    const tracked = work
      .catch((error: unknown) => logger.error({ err: error }, `${what} failed`))
      .finally(() => background.delete(tracked));
    background.add(tracked);
  }

  async function finished(run: FinishedRun) {
    hub.publish(run.change);
    await options.onRunFinished(run);
  }

  async function reclaim(runnerId: string | undefined, error: ErrorInfo) {
    const { requeued, failed } = await store.queue.reclaim({ ...(runnerId && { runnerId }), error });
    for (const change of requeued) hub.publish(change);
    for (const run of failed) await finished(run);
    if (requeued.length > 0) logger.warn({ runnerId, runs: requeued.length }, 'runs queued again after losing their runner');
    if (requeued.length > 0 || failed.length > 0) dispatcher.wake();
  }

  /** The open runner with a free slot and the smallest share of its capacity in use, so work spreads out. */
  function leastBusy(): RunnerSession | undefined {
    let best: RunnerSession | undefined;
    for (const session of sessions.values()) {
      if (session.closed || session.active.size >= session.capacity) continue;
      if (!best || session.active.size / session.capacity < best.active.size / best.capacity) best = session;
    }
    return best;
  }

  async function dispatchQueued() {
    for (let session = leastBusy(); session; session = leastBusy()) {
      const claim = await store.queue.claimNext({ runnerId: session.id, leaseMs });
      if (!claim) return;
      hub.publish(claim.change);
      if (session.closed) {
        // The runner left while the claim was being made; give the run back right away.
        await reclaim(session.id, DISCONNECTED);
        continue;
      }
      session.active.set(claim.runId, claim.attempt);
      session.send({ type: 'run-assign', runId: claim.runId, attempt: claim.attempt, steps: claim.steps, settings: options.settings });
      logger.info({ runId: claim.runId, attempt: claim.attempt, runner: session.name }, 'run assigned');
    }
  }

  const dispatcher: RunDispatcher = {
    attach(session) {
      sessions.set(session.id, session);
      logger.info({ runner: session.name, capacity: session.capacity }, 'runner connected');
      dispatcher.wake();
    },

    async detach(session) {
      session.closed = true;
      sessions.delete(session.id);
      logger.info({ runner: session.name, activeRuns: session.active.size }, 'runner disconnected');
      await reclaim(session.id, DISCONNECTED);
    },

    async handle(session, message) {
      switch (message.type) {
        case 'heartbeat':
          await store.queue.renewLeases({ runnerId: session.id, runs: message.runs, leaseMs });
          return;
        case 'step-start': {
          const { type: _type, ...event } = message;
          const change = await store.queue.stepStarted({ ...event, runnerId: session.id, leaseMs });
          if (change) hub.publish(change);
          return;
        }
        case 'step-end': {
          const { type: _type, ...event } = message;
          const change = await store.queue.stepEnded({ ...event, runnerId: session.id, leaseMs });
          if (change) hub.publish(change);
          return;
        }
        case 'run-end': {
          session.active.delete(message.runId);
          const { type: _type, ...event } = message;
          const run = await store.queue.finish({ ...event, runnerId: session.id });
          if (run) await finished(run);
          dispatcher.wake();
          return;
        }
      }
    },

    async handleScreenshot(session, header, jpeg) {
      const change = await store.queue.screenshotTaken({
        runnerId: session.id,
        runId: header.runId,
        attempt: header.attempt,
        index: header.index,
        mimeType: header.mimeType,
        bytes: jpeg,
      });
      if (change) hub.publish(change);
    },

    wake() {
      if (dispatching) {
        wokenWhileDispatching = true;
        return;
      }
      dispatching = (async () => {
        do {
          wokenWhileDispatching = false;
          await dispatchQueued();
        } while (wokenWhileDispatching);
      })()
        .catch((error: unknown) => logger.error({ err: error }, 'dispatching runs failed'))
        .finally(() => {
          dispatching = undefined;
        });
    },

    async cancel(ownerId, runId) {
      const result = await store.runs.cancel(ownerId, runId);
      if (!result) return null;
      if (result.change) {
        hub.publish(result.change);
        const stored = await store.runs.get(ownerId, runId);
        if (stored) await options.onRunFinished({ ...stored, change: result.change });
      }
      if (result.runnerId !== undefined && result.attempt !== undefined) {
        sessions.get(result.runnerId)?.send({ type: 'run-cancel', runId, attempt: result.attempt });
      }
      return result.run;
    },

    runnerCount: () => sessions.size,

    start() {
      sweeper = setInterval(() => {
        track(reclaim(undefined, LEASE_EXPIRED), 'reclaiming expired leases');
        // Also picks up runs queued by another server instance.
        dispatcher.wake();
      }, sweepEveryMs);
      sweeper.unref();
    },

    async stop() {
      clearInterval(sweeper);
      while (background.size > 0 || dispatching) await Promise.all([...background, dispatching]);
    },
  };
  return dispatcher;
}
