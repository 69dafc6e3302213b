import type { Page } from 'playwright-core';
import { isAiStep, type Step, type StepOfType, type StepOutput, type StepResolution } from '../../protocol/index.ts';
import type { AttachedPage } from './stagehand-sessions.ts';
import type { StepModel } from './step-model.ts';

/** Steps that need a model: act, observe, agent, and extract by instruction. */
export type AiStep = StepOfType<'act'> | StepOfType<'observe'> | StepOfType<'agent'> | (StepOfType<'extract'> & { instruction: string });

/** Whether the step needs a model (protocol's isAiStep, as a type guard). */
export function needsModel(step: Step): step is AiStep {
  return isAiStep(step);
}

/** What an AI step's code needs. */
export type AiStepContext = {
  page: Page;
  model: StepModel;
  /** Aborts when the run is cancelled or the step's time is up. */
  signal: AbortSignal;
  /** When the step's time is up (epoch milliseconds). */
  deadline: number;
  /** Stagehand and its handle of `page`, attached on first use. */
  attach(): Promise<AttachedPage>;
};

/** What resolving a step through the model produced, and what it compiles to (if it can be replayed). */
export type ModelResolution = { output: StepOutput; compiled?: StepResolution };

/** Time left before the step's deadline; at least 1 ms because Playwright and Stagehand read 0 as "no timeout". */
export function remainingMs(context: AiStepContext): number {
  return Math.max(1, context.deadline - Date.now());
}
