import { StepError } from '../steps/step-error.ts';
import type { AiStepContext, ModelResolution } from './ai-step-context.ts';
import { remainingMs } from './ai-step-context.ts';
import { compileActions } from './resolved-action.ts';
import { settleNavigation } from './settle-navigation.ts';
import { withStepModel } from './step-model.ts';

/** Does what the instruction says through Stagehand (one model call, two for a custom drop-down). */
export async function actThroughModel(instruction: string, context: AiStepContext): Promise<ModelResolution> {
  const { stagehand, page } = await context.attach();
  const settle = { timeoutMs: remainingMs(context), signal: context.signal };
  const result = await settleNavigation(context.page, settle, () =>
    withStepModel(context.model, () => stagehand.act(instruction, { page, timeout: remainingMs(context) })),
  );
  if (!result.success) {
    if (result.actions.length === 0) throw new StepError('target-not-found', `Found nothing on the page to do "${instruction}"`);
    throw new StepError('action-failed', `Could not do "${instruction}": ${result.message}`);
  }
  const compiled = compileActions(result.actions);
  return { output: {}, ...(compiled && { compiled }) };
}
