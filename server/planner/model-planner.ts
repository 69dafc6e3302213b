import { generateText, Output, type LanguageModelUsage, type ModelMessage } from 'ai';
import { z } from 'zod';
import { BrowserOptionsSchema, MAX_PLAN_STEPS, PlanStepsSchema, StepSchema, type BrowserOptions, type Step } from '../../protocol/index.ts';
import type { ModelHandle, Models } from '../models/create-models.ts';
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
  browser: BrowserOptionsSchema.optional().describe(
    'How the browser is set up for the plan, only when the person asks: a saved session to start from (session.use) or to save (session.saveAs), viewport, locale, timezoneId, geolocation, userAgent.',
  ),
});

/** A model call's cost in tokens and time, for metering. */
export type CallUsage = { model: string; usage: LanguageModelUsage; durationMs: number };

export type ModelPlanResult = (
  | { kind: 'plan'; reply: string; steps: Step[]; browser?: BrowserOptions; model: string; prompt: { name: string; hash: string } }
  | { kind: 'reply'; reply: string }
) & { call: CallUsage };

export type ModelPlanner = {
  /**
   * Plans the last user message of `messages`, reading the ones before it as context, and
   * `context` (what the plan may use: attached files, saved sessions) after the instructions.
   */
  plan(input: { messages: ModelMessage[]; context?: string; signal?: AbortSignal }): Promise<ModelPlanResult>;
};

export type ModelPlannerOptions = {
  handle: ModelHandle;
  prompt: Prompt;
  /** Timeout and retries for every call. */
  call: Models['call'];
};

/** Plans free-form requests with a language model (ARCHITECTURE D8); the command grammar handles the rest. */
export function createModelPlanner({ handle, prompt, call }: ModelPlannerOptions): ModelPlanner {
  return {
    async plan({ messages, context, signal }) {
      const startedAt = performance.now();
      const { output, usage } = await generateText({
        model: handle.model,
        instructions: context ? `${prompt.text}\n\n${context}` : prompt.text,
        messages,
        output: Output.object({ schema: ModelPlanSchema }),
        ...call,
        ...(signal && { abortSignal: signal }),
        // Steps have optional fields, which OpenAI's strict mode forbids; zod checks the answer instead.
        providerOptions: { openai: { ...call.providerOptions.openai, strictJsonSchema: false } },
      });
      const used: CallUsage = { model: handle.name, usage, durationMs: performance.now() - startedAt };
      if (output.steps.length === 0) return { kind: 'reply', reply: output.reply, call: used };
      return {
        kind: 'plan',
        reply: output.reply,
        steps: PlanStepsSchema.parse(output.steps),
        // Empty options are no options.
        ...(output.browser && Object.keys(output.browser).length > 0 && { browser: output.browser }),
        model: handle.name,
        prompt: { name: prompt.name, hash: prompt.hash },
        call: used,
      };
    },
  };
}
