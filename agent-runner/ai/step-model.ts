import { AsyncLocalStorage } from 'node:async_hooks';
import type { ModelAnswer, ModelRequest } from '../../protocol/index.ts';
import type { CallModel, ModelCallRef } from '../connection/model-calls.ts';
import { StepError } from '../steps/step-error.ts';

/** The model as one AI step sees it: calls are tagged with the step and counted. */
export type StepModel = {
  ask<Kind extends ModelRequest['kind']>(request: Extract<ModelRequest, { kind: Kind }>): Promise<Extract<ModelAnswer, { kind: Kind }>>;
  /** Time spent waiting for answers so far, in milliseconds. */
  waitedMs(): number;
  /** Calls made so far. */
  calls(): number;
  /**
   * Why the last call failed, if one did. Stagehand wraps the errors of its model (and its agent
   * turns them into a failed result), so the step finds the server's code here.
   */
  lastError(): StepError | undefined;
};

export type CreateStepModelOptions = {
  callModel: CallModel;
  ref: ModelCallRef;
  /** Aborts calls in flight (the server is told to stop). */
  signal: AbortSignal;
};

export function createStepModel(options: CreateStepModelOptions): StepModel {
  const { callModel, ref, signal } = options;
  let waitedMs = 0;
  let calls = 0;
  let lastError: StepError | undefined;
  return {
    async ask(request) {
      calls += 1;
      const startedAt = performance.now();
      try {
        const answer = await callModel(ref, request, signal);
        if (answer.kind !== request.kind) throw new StepError('internal', `The server answered a ${request.kind} call with a ${answer.kind} answer`);
        return answer as Extract<ModelAnswer, { kind: typeof request.kind }>;
      } catch (error) {
        lastError = StepError.isInstance(error) ? error : new StepError('internal', String(error), { cause: error });
        throw lastError;
      } finally {
        waitedMs += performance.now() - startedAt;
      }
    },
    waitedMs: () => Math.round(waitedMs),
    calls: () => calls,
    lastError: () => lastError,
  };
}

// One Stagehand serves every run of the process, and its language model is created once; each
// call finds the step it belongs to through the async context of the Stagehand call it is part of.
const currentStep = new AsyncLocalStorage<StepModel>();

/** Runs `work` (a Stagehand call) so that its model calls go to `model`. */
export function withStepModel<T>(model: StepModel, work: () => Promise<T>): Promise<T> {
  return currentStep.run(model, work);
}

/** The model of the AI step this code runs for. */
export function currentStepModel(): StepModel {
  const model = currentStep.getStore();
  if (!model) throw new StepError('internal', 'Stagehand called its model outside of an AI step');
  return model;
}
