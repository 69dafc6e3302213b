import type { RunSettings, StepDownloadHeader, StepScreenshotHeader, Welcome } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { BrowserStepModel } from '../models/browser-step-model.ts';
import type { SessionService } from '../sessions/session-service.ts';
import { CLOSE_CODES } from '../net/web-socket.ts';
import type { Change, FinishedRun, HeldRun, Store } from '../store/store.ts';
import { createDispatchLoop } from './dispatch-loop.ts';
import { createLeaseSweeper } from './lease-sweeper.ts';
import { decideLostAttempt } from './lost-attempt-policy.ts';
import { createModelBridge } from './model-bridge.ts';
import { createRunnerEventRouter, type RunnerEvent } from './runner-events.ts';
import { createRunnerRegistry, type RunnerSession } from './runner-registry.ts';

export type { RunnerSession } from './runner-registry.ts';

/** A runner that said hello. */
export type RunnerArrival = {
  id: string;
  name: string;
  /** Runs it offers to execute at once; the server caps it. */
  capacity: number;
  /** Runs it still holds from before a reconnection. */
  heldRuns: { runId: string; attempt: number }[];
  send: RunnerSession['send'];
  close: RunnerSession['close'];
};

export type RunDispatcher = {
  /** Registers a runner (replacing an earlier connection of the same runner) and resumes the runs it still holds. */
  connect(arrival: RunnerArrival): Promise<{ session: RunnerSession; welcome: Omit<Welcome, 'type' | 'protocolVersion' | 'heartbeatMs'> }>;
  /**
   * The connection is gone. Its runs wait `reconnectGraceMs` for the runner to come back,
   * unless the server itself is shutting down: then they wait for it as long as their lease runs.
   */
  disconnect(session: RunnerSession, options: { serverClosing: boolean }): Promise<void>;
  handle(session: RunnerSession, message: RunnerEvent): Promise<void>;
  handleScreenshot(session: RunnerSession, header: StepScreenshotHeader, jpeg: Uint8Array): Promise<void>;
  handleDownload(session: RunnerSession, header: StepDownloadHeader, file: Uint8Array): Promise<void>;
  /** New work may be waiting: hand queued runs to runners with free slots. */
  wake(): void;
  /** Tells the runners holding these runs (if connected here) to stop them at once. */
  stopHeld(held: HeldRun[]): void;
  runnerCount(): number;
  /** Starts dispatching and the lease sweeper. */
  start(): void;
  stop(): Promise<void>;
};

export type RunDispatcherOptions = {
  store: Store;
  publish(change: Change): void;
  logger: Logger;
  /** How long a run stays with a runner that sends no heartbeat. */
  leaseMs: number;
  /** How long a disconnected runner's runs wait for it; at most `leaseMs`. */
  reconnectGraceMs: number;
  /** The longest one attempt of a run may take. */
  maxDurationMs: number;
  /** Most runs one runner is given at once, whatever it announces. */
  maxRunnerCapacity: number;
  settings: RunSettings;
  /** Saved browser sessions: opened for the runs that start from one, saved from the runs that save one. */
  sessions: Pick<SessionService, 'open' | 'saveFromRun'>;
  /** Answers the model calls of AI steps; without one they fail with `model-unavailable`. */
  browserModel?: BrowserStepModel;
  /** How often queued runs and expired leases are looked for without being woken. Default a quarter of the lease, within 0.25-5 s. */
  sweepEveryMs?: number;
  /** Called once for every run that reaches a final status through its runner or the sweeper. */
  onRunFinished(finished: FinishedRun): Promise<void>;
  /** Tells every server instance to stop these attempts (default: this instance only). */
  stopEverywhere?(held: HeldRun[]): void;
};

/**
 * Run dispatch, in four parts each with one job: the runner registry (who is connected),
 * the dispatch loop (queued runs -> free slots), the event router (runner events -> store)
 * and the lease sweeper (lost or overdue attempts -> queued again or ended).
 */
export function createRunDispatcher(options: RunDispatcherOptions): RunDispatcher {
  const { store, publish, logger, leaseMs, maxDurationMs } = options;
  const reconnectGraceMs = Math.min(options.reconnectGraceMs, leaseMs);
  const registry = createRunnerRegistry();
  // Looked for a few times per lease, so a lost run waits at most ~1.25 leases.
  const everyMs = options.sweepEveryMs ?? Math.min(Math.max(Math.floor(leaseMs / 4), 250), 5_000);

  const loop = createDispatchLoop({
    store,
    registry,
    publish,
    logger,
    leaseMs,
    maxDurationMs,
    settings: options.settings,
    sessions: options.sessions,
    onRunFailed: options.onRunFinished,
    everyMs,
  });
  // An answer waits as long as the runner's runs wait for it to reconnect.
  const bridge = createModelBridge({ store, registry, logger, keepAnswersMs: reconnectGraceMs, ...(options.browserModel && { model: options.browserModel }) });
  const events = createRunnerEventRouter({
    store,
    publish,
    logger,
    leaseMs,
    bridge,
    sessions: options.sessions,
    onFinished: options.onRunFinished,
    onSlotFreed: loop.wake,
  });
  const sweeper = createLeaseSweeper({
    store,
    publish,
    logger,
    everyMs,
    decide: (lost) => decideLostAttempt(lost, { reconnectGraceMs, maxDurationMs }),
    async onEnded(finished, holder) {
      // Its runner may be connected to another instance.
      (options.stopEverywhere ?? stopHeld)([holder]);
      await options.onRunFinished(finished);
    },
    onRequeued(runIds) {
      // A model call of the lost attempt has nobody waiting for it any more.
      bridge.cancelRuns(runIds);
      loop.wake();
    },
  });

  function stopHeld(held: HeldRun[]) {
    bridge.cancelRuns(held.map((run) => run.runId));
    for (const { runId, attempt, runnerId } of held) {
      const session = registry.get(runnerId);
      if (session?.active.get(runId)?.attempt !== attempt) continue;
      session.active.delete(runId);
      session.send({ type: 'run-cancel', runId, attempt });
    }
    loop.wake();
  }

  return {
    async connect(arrival) {
      const capacity = Math.min(arrival.capacity, options.maxRunnerCapacity);
      const session: RunnerSession = {
        id: arrival.id,
        name: arrival.name,
        capacity,
        active: new Map(),
        closed: false,
        send: arrival.send,
        close: arrival.close,
      };
      const resumed = await store.queue.resume({ runnerId: arrival.id, runs: arrival.heldRuns, leaseMs });
      for (const run of resumed) session.active.set(run.runId, { attempt: run.attempt, stepCount: run.stepCount });
      const replaced = registry.add(session);
      replaced?.close(CLOSE_CODES.replaced, 'replaced by a newer connection of the same runner');
      logger.info({ runner: arrival.name, capacity, resumed: resumed.length }, 'runner connected');
      loop.wake();
      return {
        session,
        welcome: { leaseMs, reconnectGraceMs, capacity, resumed: resumed.map(({ runId, attempt, seq }) => ({ runId, attempt, seq })) },
      };
    },

    async disconnect(session, { serverClosing }) {
      const current = registry.remove(session);
      logger.info({ runner: session.name, activeRuns: session.active.size, serverClosing }, 'runner disconnected');
      if (current && !serverClosing) await store.queue.release({ runnerId: session.id, graceMs: reconnectGraceMs });
    },

    handle: events.handle,
    handleScreenshot: events.handleScreenshot,
    handleDownload: events.handleDownload,
    wake: loop.wake,
    stopHeld,
    runnerCount: registry.size,

    start() {
      loop.start();
      sweeper.start();
    },

    async stop() {
      bridge.stop();
      await sweeper.stop();
      await loop.stop();
    },
  };
}
