import type { RunnerMessage, StepDownloadHeader, StepScreenshotHeader } from '../../protocol/index.ts';
import { safeFileName } from '../files/safe-file-name.ts';
import { safeMimeType } from '../files/mime-type.ts';
import type { Logger } from '../logger.ts';
import type { SessionService } from '../sessions/session-service.ts';
import type { Change, FinishedRun, Store } from '../store/store.ts';
import type { ModelBridge } from './model-bridge.ts';
import type { RunnerSession } from './runner-registry.ts';

export type RunnerEvent = Exclude<RunnerMessage, { type: 'hello' }>;

export type RunnerEventRouterOptions = {
  store: Store;
  publish(change: Change): void;
  logger: Logger;
  leaseMs: number;
  /** Answers the model calls of AI steps. */
  bridge: ModelBridge;
  /** Keeps the browser state a run reports as the session its plan saves. */
  sessions: Pick<SessionService, 'saveFromRun'>;
  /** A run ended through its runner's `run-end`. */
  onFinished(finished: FinishedRun): Promise<void>;
  /** A slot freed up. */
  onSlotFreed(): void;
};

/**
 * Applies what a runner reports to the store, once each (by `seq`), and acknowledges every
 * event so the runner can forget it. Events about runs the runner was not given, or about
 * steps its plan does not have, are refused with an error frame and change nothing.
 */
export function createRunnerEventRouter(options: RunnerEventRouterOptions) {
  const { store, publish, logger, leaseMs } = options;

  /** The run's step count if this session holds that attempt; otherwise refuses the event. */
  function checkHeld(session: RunnerSession, event: { runId: string; attempt: number; index?: number }): boolean {
    const active = session.active.get(event.runId);
    // Not ours (any more): cancelled, deleted or taken back. Acknowledged so the runner forgets it.
    if (!active || active.attempt !== event.attempt) return false;
    if (event.index !== undefined && event.index >= active.stepCount) {
      session.send({ type: 'error', code: 'invalid-frame', message: `Run ${event.runId} has no step ${event.index}.` });
      return false;
    }
    return true;
  }

  function ack(session: RunnerSession, event: { runId: string; attempt: number; seq: number }) {
    session.send({ type: 'ack', runId: event.runId, attempt: event.attempt, seq: event.seq });
  }

  return {
    async handle(session: RunnerSession, message: RunnerEvent): Promise<void> {
      switch (message.type) {
        case 'heartbeat':
          await store.queue.renewLeases({ runnerId: session.id, runs: message.runs, leaseMs });
          return;
        // Requests, not events: answered (or dropped) by the bridge, never acknowledged.
        case 'model-call':
          options.bridge.call(session, message);
          return;
        case 'model-cancel':
          options.bridge.cancel(session, message.requestId);
          return;
      }
      const { type, ...event } = message;
      const holder = { ...event, runnerId: session.id };
      if (checkHeld(session, event)) {
        switch (message.type) {
          case 'step-start': {
            const change = await store.queue.stepStarted({ ...holder, index: message.index, leaseMs });
            if (change) publish(change);
            break;
          }
          case 'step-end': {
            const { index, status, durationMs, error, output } = message;
            const change = await store.queue.stepEnded({
              ...holder,
              index,
              status,
              durationMs,
              ...(error && { error }),
              ...(output && { output }),
              leaseMs,
            });
            if (change) publish(change);
            break;
          }
          case 'session-state': {
            // The state holds credentials: it goes to the session service to be encrypted, and into no log.
            const { runId, attempt, seq, state } = message;
            const result = await options.sessions.saveFromRun({ runnerId: session.id, runId, attempt, seq }, state);
            if (result && result.saved === null) logger.warn({ runId: event.runId }, 'ignored the browser state of a run whose plan saves no session');
            if (result?.saved) logger.info({ runId: event.runId }, 'saved a browser session');
            break;
          }
          case 'run-end': {
            options.bridge.cancelRuns([message.runId]);
            let finished: FinishedRun | null;
            try {
              finished = await store.queue.finish({ ...holder, status: message.status, ...(message.error && { error: message.error }) });
            } finally {
              // Only once the run is stored as ended: a slot freed earlier could be given a new run
              // while the store still counts this one, showing the runner over its capacity.
              session.active.delete(message.runId);
            }
            if (finished) {
              publish(finished.change);
              await options.onFinished(finished);
            }
            options.onSlotFreed();
            break;
          }
        }
      } else {
        logger.debug({ runId: event.runId, attempt: event.attempt, type }, 'ignored an event for a run this runner does not hold');
      }
      ack(session, event);
    },

    async handleScreenshot(session: RunnerSession, header: StepScreenshotHeader, jpeg: Uint8Array): Promise<void> {
      if (checkHeld(session, header)) {
        const { type: _type, ...event } = header;
        const change = await store.queue.screenshotTaken({ ...event, runnerId: session.id, bytes: jpeg });
        if (change) publish(change);
      }
      ack(session, header);
    },

    async handleDownload(session: RunnerSession, header: StepDownloadHeader, file: Uint8Array): Promise<void> {
      if (checkHeld(session, header)) {
        const { type: _type, fileName, mimeType, ...event } = header;
        // Runners are not trusted (ARCHITECTURE D5): the name and type are made safe to serve again here.
        const change = await store.queue.downloadTaken({
          ...event,
          runnerId: session.id,
          fileName: safeFileName(fileName) ?? 'download',
          mimeType: safeMimeType(mimeType),
          bytes: file,
        });
        if (change) publish(change);
      }
      ack(session, header);
    },
  };
}

export type RunnerEventRouter = ReturnType<typeof createRunnerEventRouter>;
