import type { ModelCall, ServerToRunnerMessage } from '../../protocol/index.ts';
import { describeModelError } from '../assistant/describe-model-error.ts';
import { secretValuesOf } from '../assistant/secret-values.ts';
import type { Logger } from '../logger.ts';
import type { BrowserStepModel } from '../models/browser-step-model.ts';
import { ReplyStopped } from '../models/reply-stopped.ts';
import type { Store } from '../store/store.ts';
import type { RunnerRegistry, RunnerSession } from './runner-registry.ts';

export type ModelBridgeOptions = {
  store: Store;
  registry: RunnerRegistry;
  logger: Logger;
  /** The browser-step model; without one, every call is answered `model-unavailable`. */
  model?: BrowserStepModel;
  /** How long an answer waits for a runner that lost its connection to come back and ask again. */
  keepAnswersMs: number;
};

export type ModelBridge = {
  /** Starts answering a runner's model call; the answer is sent when the model has it. A call asked again (after a reconnection) is not repeated. */
  call(session: RunnerSession, message: ModelCall): void;
  /** The runner no longer wants this answer. */
  cancel(session: RunnerSession, requestId: string): void;
  /** The runs ended or were taken from their runner: their calls are stopped. */
  cancelRuns(runIds: Iterable<string>): void;
  /** Stops every call (the server is closing). */
  stop(): void;
};

type InFlight = {
  runnerId: string;
  runId: string;
  controller: AbortController;
  /** Set once the model answered, while it waits for its runner. */
  reply?: ServerToRunnerMessage;
  forget?: NodeJS.Timeout;
};

/**
 * Answers the model calls of AI steps for runners, which hold no model key (ARCHITECTURE D5).
 * Only a runner that holds the run may ask, and every call is budgeted and metered as the
 * run owner's. Calls are keyed by the runner's request id, so a runner that reconnects and asks
 * again gets the answer already under way instead of paying for a second call.
 */
export function createModelBridge({ store, registry, logger, model, keepAnswersMs }: ModelBridgeOptions): ModelBridge {
  const calls = new Map<string, InFlight>();

  function deliver(requestId: string, call: InFlight) {
    if (calls.get(requestId) !== call || !call.reply) return;
    const session = registry.get(call.runnerId);
    if (session && !session.closed && session.send(call.reply)) {
      calls.delete(requestId);
      return;
    }
    call.forget ??= setTimeout(() => calls.delete(requestId), keepAnswersMs).unref();
  }

  async function answer(message: ModelCall, runnerId: string, signal: AbortSignal): Promise<ServerToRunnerMessage> {
    const { requestId, runId, attempt, index } = message;
    const run = await store.queue.heldRun({ runId, attempt, runnerId });
    if (!run) return { type: 'model-error', requestId, code: 'cancelled', message: 'The run is no longer held by this runner.' };
    if (!model) {
      return {
        type: 'model-error',
        requestId,
        code: 'model-unavailable',
        message: 'This step needs a language model, and none is configured: set OPENAI_API_KEY or LLM_BASE_URL on the server.',
      };
    }
    const plan = await store.plans.get(run.ownerId, run.planId);
    const context = { ...run, runId, attempt, stepIndex: index, secrets: secretValuesOf(plan?.steps ?? []) };
    try {
      return { type: 'model-result', requestId, answer: await model.answer(message.request, context, signal) };
    } catch (error) {
      if (signal.aborted) throw error;
      logger.warn({ err: error, runId, attempt, index }, 'model call of an AI step failed');
      return { type: 'model-error', requestId, ...describeModelError(error) };
    }
  }

  function abort(requestId: string, call: InFlight) {
    call.controller.abort(new ReplyStopped('step-stopped'));
    clearTimeout(call.forget);
    calls.delete(requestId);
  }

  return {
    call(session, message) {
      const existing = calls.get(message.requestId);
      if (existing) {
        // Asked again after a reconnection: answer once the first call has.
        if (existing.runnerId === session.id) deliver(message.requestId, existing);
        return;
      }
      const active = session.active.get(message.runId);
      if (!active || active.attempt !== message.attempt || message.index >= active.stepCount) {
        session.send({ type: 'model-error', requestId: message.requestId, code: 'cancelled', message: 'The run is no longer held by this runner.' });
        return;
      }
      const call: InFlight = { runnerId: session.id, runId: message.runId, controller: new AbortController() };
      calls.set(message.requestId, call);
      answer(message, session.id, call.controller.signal).then(
        (reply) => {
          call.reply = reply;
          deliver(message.requestId, call);
        },
        (error: unknown) => {
          // Stopped on purpose: nobody waits for this answer.
          if (call.controller.signal.aborted) return;
          logger.error({ err: error, runId: message.runId }, 'answering a model call failed');
          call.reply = { type: 'model-error', requestId: message.requestId, code: 'internal', message: 'skipper could not ask the model.' };
          deliver(message.requestId, call);
        },
      );
    },

    cancel(session, requestId) {
      const call = calls.get(requestId);
      if (call?.runnerId === session.id) abort(requestId, call);
    },

    cancelRuns(runIds) {
      const ended = new Set(runIds);
      for (const [requestId, call] of calls) if (ended.has(call.runId)) abort(requestId, call);
    },

    stop() {
      for (const [requestId, call] of calls) abort(requestId, call);
    },
  };
}
