import type { ResolvedAction, StepOutput } from '../../protocol/index.ts';
import type { AiStepContext } from './ai-step-context.ts';
import { remainingMs } from './ai-step-context.ts';
import { toResolvedAction } from './resolved-action.ts';
import { withStepModel } from './step-model.ts';

/** Most observations one step reports (StepOutputSchema). */
const MAX_OBSERVATIONS = 100;

/** Lists what can be done on the page (about `instruction`, if given); changes nothing, so compiles to nothing. */
export async function observeThroughModel(instruction: string | undefined, context: AiStepContext): Promise<StepOutput> {
  const { stagehand, page } = await context.attach();
  const options = { page, timeout: remainingMs(context) };
  const found = await withStepModel(context.model, () => (instruction === undefined ? stagehand.observe(options) : stagehand.observe(instruction, options)));
  const observations = found.map(toResolvedAction).filter((action): action is ResolvedAction => action !== undefined);
  return { observations: observations.slice(0, MAX_OBSERVATIONS) };
}
