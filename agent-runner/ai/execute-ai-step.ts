import type { Page } from 'playwright-core';
import type { StepOutput, StepResolution } from '../../protocol/index.ts';
import type { CallModel, ModelCallRef } from '../connection/model-calls.ts';
import { formatSeconds } from '../steps/format-seconds.ts';
import { StepError } from '../steps/step-error.ts';
import { actThroughModel } from './act-step.ts';
import { agentThroughModel } from './agent-step.ts';
import type { AiStep, AiStepContext, ModelResolution } from './ai-step-context.ts';
import { remainingMs } from './ai-step-context.ts';
import { extractThroughModel, extractWithRule } from './extract-step.ts';
import { observeThroughModel } from './observe-step.ts';
import { replayActions } from './replay-actions.ts';
import type { StagehandSessions } from './stagehand-sessions.ts';
import { createStepModel } from './step-model.ts';
import { untilAborted } from './until-aborted.ts';

/** What AI steps use from the runner: its model connection and its Stagehand. */
export type AiServices = {
  callModel: CallModel;
  stagehand: StagehandSessions;
};

export type ExecuteAiStepOptions = {
  page: Page;
  step: AiStep;
  /** Which run, attempt and step the model calls are for. */
  ref: ModelCallRef;
  services: AiServices;
  /** What an earlier run of the plan resolved this step to: replayed before asking the model. */
  compiled?: StepResolution;
  /** Time the whole step may take, model calls included, in milliseconds. */
  timeoutMs: number;
  /** Aborting fails the step at once with StepError('cancelled'), and cancels its model call. */
  signal?: AbortSignal;
};

/**
 * Longest a replayed action waits for its element. A compiled step whose element is gone must
 * leave the model enough of the step's time to heal it.
 */
const MAX_REPLAY_WAIT_MS = 5_000;

/**
 * Runs an AI step: replays what it was compiled to with no model call, or (first run, or a
 * replay that no longer works) resolves it through the model and reports what it compiled to.
 * The output says which happened (`resolution`) and how long the model took (`modelMs`).
 */
export async function executeAiStep(options: ExecuteAiStepOptions): Promise<StepOutput> {
  const { page, step, ref, services, timeoutMs } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const model = createStepModel({ callModel: services.callModel, ref, signal });
  const context: AiStepContext = { page, model, signal, deadline: Date.now() + timeoutMs, attach: () => services.stagehand.attach(page, signal) };
  try {
    const output = await untilAborted(resolveStep(step, options.compiled, context), signal);
    return { ...output, modelMs: model.waitedMs() };
  } catch (error) {
    if (options.signal?.aborted) throw new StepError('cancelled', 'The run was cancelled', { cause: error });
    if (timeout.aborted) throw new StepError('timeout', `Did not finish within ${formatSeconds(timeoutMs)}`, { cause: error });
    if (StepError.isInstance(error)) throw error;
    // Stagehand wraps its model's errors in its own; the server's code is what explains them.
    throw model.lastError() ?? error;
  }
}

async function resolveStep(step: AiStep, compiled: StepResolution | undefined, context: AiStepContext): Promise<StepOutput> {
  // Observing changes nothing, so there is nothing to replay.
  if (!compiled || step.type === 'observe') {
    const resolved = await throughModel(step, context);
    return { ...resolved.output, resolution: { source: 'model', ...(resolved.compiled && { compiled: resolved.compiled }) } };
  }
  let failure: string;
  try {
    return { ...(await replay(step, compiled, context)), resolution: { source: 'replayed' } };
  } catch (error) {
    if (context.signal.aborted || !StepError.isInstance(error)) throw error;
    failure = error.message;
  }
  // Actions replayed before the one that failed stay done: the model resolves the step from the page as it now is.
  const healed = await throughModel(step, context, failure);
  return { ...healed.output, resolution: { source: 'healed', ...(healed.compiled && { compiled: healed.compiled }) } };
}

function throughModel(step: AiStep, context: AiStepContext, failure?: string): Promise<ModelResolution> {
  switch (step.type) {
    case 'act':
      return actThroughModel(step.instruction, context);
    case 'agent':
      return agentThroughModel(step, context);
    case 'extract':
      return extractThroughModel(step, context, failure);
    case 'observe':
      return observeThroughModel(step.instruction, context).then((output) => ({ output }));
  }
}

/** Replays a compiled step with Playwright alone; throws a StepError when it no longer fits the page. */
async function replay(step: Exclude<AiStep, { type: 'observe' }>, compiled: StepResolution, context: AiStepContext): Promise<StepOutput> {
  if (step.type === 'extract') {
    if (compiled.kind !== 'extraction') throw new StepError('action-failed', 'The step was compiled to actions, not an extraction rule');
    return extractWithRule(step, compiled.rule, context);
  }
  if (compiled.kind !== 'actions') throw new StepError('action-failed', 'The step was compiled to an extraction rule, not actions');
  const timeoutMs = Math.min(MAX_REPLAY_WAIT_MS, remainingMs(context) / 2);
  try {
    await replayActions({ page: context.page, actions: compiled.actions, timeoutMs, signal: context.signal });
  } catch (error) {
    if (context.signal.aborted || StepError.isInstance(error)) throw error;
    // A replayed action that Playwright could not perform (timed out, not editable…) heals too.
    throw new StepError('action-failed', error instanceof Error ? error.message.split('\n', 1)[0]! : String(error), { cause: error });
  }
  return step.type === 'agent' ? { agent: { finished: true, actions: compiled.actions.length } } : {};
}
