import { generateText, Output, type LanguageModel, type ModelMessage } from 'ai';
import { z } from 'zod';
import { MAX_PLAN_STEPS, PlanStepsSchema, StepSchema, type Step } from '../../protocol/index.ts';
import type { Prompt } from '../prompts/load-prompt.ts';

/** What the model must answer: a plan, or (with no steps) a question or a refusal. */
export const ModelPlanSchema = z.object({
  reply: z
    .string()
    .describe('One short sentence for the person: what the plan does, or the question to ask, or why it cannot be done.'),
  steps: z
    .array(StepSchema)
    .max(MAX_PLAN_STEPS)
    .describe('The plan, in order. Empty when asking a question or declining.'),
});

export type ModelPlanResult =
  | { kind: 'plan'; reply: string; steps: Step[]; model: string; prompt: { name: string; hash: string } }
  | { kind: 'reply'; reply: string };

export type ModelPlanner = {
  /** Plans the last user message of `messages`, reading the ones before it as context. */
  plan(input: { messages: ModelMessage[] }): Promise<ModelPlanResult>;
};

export type ModelPlannerOptions = {
  model: LanguageModel;
  /** Recorded with each plan. */
  modelName: string;
  prompt: Prompt;
  /** Longest a planning call may take, retries included. */
  timeoutMs: number;
};

/** Plans free-form requests with a language model (ARCHITECTURE D8); the command grammar handles the rest. */
export function createModelPlanner({ model, modelName, prompt, timeoutMs }: ModelPlannerOptions): ModelPlanner {
  return {
    async plan({ messages }) {
      const { output } = await generateText({
        model,
        system: prompt.text,
        messages,
        output: Output.object({ schema: ModelPlanSchema }),
        abortSignal: AbortSignal.timeout(timeoutMs),
        maxRetries: 1,
        // Steps have optional fields, which OpenAI's strict mode forbids; zod checks the answer instead.
        providerOptions: { openai: { strictJsonSchema: false } },
      });
      if (output.steps.length === 0) return { kind: 'reply', reply: output.reply };
      return {
        kind: 'plan',
        reply: output.reply,
        steps: PlanStepsSchema.parse(output.steps),
        model: modelName,
        prompt: { name: prompt.name, hash: prompt.hash },
      };
    },
  };
}
