import { MAX_OUTPUT_DATA_LENGTH, MAX_OUTPUT_TEXT_LENGTH, toStorableText, type ExtractRule, type ExtractShape, type StepOutput } from '../../protocol/index.ts';
import { StepError } from '../steps/step-error.ts';
import type { AiStepContext, ModelResolution } from './ai-step-context.ts';
import { applyExtractRule } from './apply-extract-rule.ts';
import { pageOutline } from './page-outline.ts';
import { shapeData } from './shape-data.ts';

/** Rules asked for in one resolution: the first, and one more told why the first did not fit. */
const RULE_ATTEMPTS = 2;

export type ExtractInstruction = { instruction: string; shape?: ExtractShape };

/**
 * Reads what the instruction asks for with a rule the model writes from an outline of the page
 * (not Stagehand's extract, whose answer is the data itself and so cannot be replayed without
 * a model). `failure` says why the compiled rule failed, when healing.
 */
export async function extractThroughModel(step: ExtractInstruction, context: AiStepContext, failure?: string): Promise<ModelResolution> {
  let why = failure;
  for (let attempt = 1; ; attempt += 1) {
    const outline = await pageOutline({ page: context.page });
    const answer = await context.model.ask({
      kind: 'extract-rule',
      instruction: step.instruction,
      ...(step.shape && { shape: step.shape }),
      outline,
      url: toStorableText(context.page.url(), 4_096),
      ...(why !== undefined && { failure: toStorableText(why, 4_000) }),
    });
    try {
      return { output: await extractWithRule(step, answer.rule, context), compiled: { kind: 'extraction', rule: answer.rule } };
    } catch (error) {
      if (!StepError.isInstance(error) || error.code !== 'action-failed' || attempt === RULE_ATTEMPTS) throw error;
      why = error.message;
    }
  }
}

/**
 * Applies a rule and shapes what it read into the step's output: `data`, and `text` too when the
 * shape is text. Throws StepError('action-failed') when it reads nothing or not that shape.
 */
export async function extractWithRule(step: ExtractInstruction, rule: ExtractRule, context: AiStepContext): Promise<StepOutput> {
  const shaped = shapeData(await applyExtractRule({ page: context.page, rule }), step.shape);
  if ('failure' in shaped) throw new StepError('action-failed', `The extraction rule does not fit the page: ${shaped.failure}`);
  const size = JSON.stringify(shaped.data).length;
  if (size > MAX_OUTPUT_DATA_LENGTH) {
    throw new StepError('action-failed', `Read ${size} characters of data, more than the ${MAX_OUTPUT_DATA_LENGTH} a step may report`);
  }
  const text = typeof shaped.data === 'string' ? toStorableText(shaped.data, MAX_OUTPUT_TEXT_LENGTH) : undefined;
  return { data: shaped.data, ...(text !== undefined && { text }) };
}
