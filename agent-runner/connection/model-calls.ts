import { randomUUID } from 'node:crypto';
import type { ErrorCode, ModelAnswer, ModelCall, ModelError, ModelRequest, ModelResult, RunnerMessage } from '../../protocol/index.ts';
import { StepError, type StepErrorCode } from '../steps/step-error.ts';

/** Which step of which run a model call is for: the server meters and budgets by it. */
export type ModelCallRef = { runId: string; attempt: number; index: number };

/**
 * Asks the server's browser-step model (runners hold no key, ARCHITECTURE D5). Rejects with a
 * StepError: the server's code and message, or `cancelled` when `signal` aborts (the step's
 * timeout or the run's cancellation). A call made while the connection is down waits for it.
 */
export type CallModel = (ref: ModelCallRef, request: ModelRequest, signal?: AbortSignal) => Promise<ModelAnswer>;

export type ModelCallsOptions = {
  /** Sends on the runner socket; false when it is not connected. */
  send(message: ModelCall | ModelCancel): boolean;
  /** Default: `randomUUID`. */
  generateId?: () => string;
};

type ModelCancel = Extract<RunnerMessage, { type: 'model-cancel' }>;

export type ModelCalls = {
  callModel: CallModel;
  /** The server answered a call (`model-result`) or gave up on it (`model-error`). */
  settle(reply: ModelResult | ModelError): void;
  /**
   * Connected again (after the runs were resumed): asks again for every answer still awaited,
   * under the same request id, so the server hands over the answer it has (or is getting)
   * instead of paying for a second call.
   */
  resendAll(): void;
};

/** Codes a model call's failure keeps; anything else the server sends is reported as `internal`. */
const KEPT_CODES: ReadonlySet<ErrorCode> = new Set<StepErrorCode>(['budget-exceeded', 'model-unavailable', 'timeout', 'cancelled', 'invalid-request', 'internal']);

/**
 * Model calls as requests and responses over the runner socket, correlated by `requestId`. They
 * are not run events (no seq, no outbox): a call lives only while its step waits for it, and a
 * lost connection does not fail it; it is asked again once the runner is back.
 */
export function createModelCalls(options: ModelCallsOptions): ModelCalls {
  const generateId = options.generateId ?? randomUUID;
  const pending = new Map<string, { message: ModelCall; resolve(answer: ModelAnswer): void; reject(error: StepError): void }>();

  return {
    callModel(ref, request, signal) {
      if (signal?.aborted) return Promise.reject(cancelled());
      const requestId = generateId();
      return new Promise<ModelAnswer>((resolve, reject) => {
        const onAbort = () => {
          if (!pending.delete(requestId)) return;
          options.send({ type: 'model-cancel', requestId });
          reject(cancelled());
        };
        const finish = () => signal?.removeEventListener('abort', onAbort);
        const message: ModelCall = { type: 'model-call', requestId, ...ref, request };
        pending.set(requestId, {
          message,
          resolve: (answer) => (finish(), resolve(answer)),
          reject: (error) => (finish(), reject(error)),
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        // Not connected: sent by resendAll once the runner is back.
        options.send(message);
      });
    },
    settle(reply) {
      const call = pending.get(reply.requestId);
      if (!call) return; // cancelled meanwhile, or answered twice
      pending.delete(reply.requestId);
      if (reply.type === 'model-result') call.resolve(reply.answer);
      else call.reject(new StepError(KEPT_CODES.has(reply.code) ? (reply.code as StepErrorCode) : 'internal', reply.message));
    },
    resendAll() {
      for (const call of pending.values()) options.send(call.message);
    },
  };
}

function cancelled(): StepError {
  return new StepError('cancelled', 'The model call was cancelled');
}
