import { generateText, jsonSchema, Output, tool, type JSONValue, type ModelMessage, type ToolSet } from 'ai';
import { z } from 'zod';
import { ExtractRuleSchema, type ModelAnswer, type ModelRequest } from '../../protocol/index.ts';
import { redact } from '../assistant/secret-values.ts';
import type { Prompt } from '../prompts/load-prompt.ts';
import type { ModelHandle, Models } from './create-models.ts';
import type { UsageMeter } from './usage-meter.ts';

type StagehandRequest = Extract<ModelRequest, { kind: 'stagehand' }>;
type ExtractRuleRequest = Extract<ModelRequest, { kind: 'extract-rule' }>;

/**
 * Which run step a call is for, whose budget it comes out of, and the secret values its plan
 * types (a page may show them back; they are hidden from the model).
 */
export type BrowserStepContext = {
  ownerId: string;
  conversationId: string;
  runId: string;
  attempt: number;
  stepIndex: number;
  secrets: readonly string[];
};

export type BrowserStepModel = {
  /**
   * Answers one model call of an AI step with the browser-step model: checks the person's and
   * the run's budgets first, meters what it used after. Throws `budget-exceeded` (a
   * SkipperError) or the provider's error.
   */
  answer(request: ModelRequest, context: BrowserStepContext, signal: AbortSignal): Promise<ModelAnswer>;
};

export type BrowserStepModelOptions = {
  handle: ModelHandle;
  call: Models['call'];
  meter: UsageMeter;
  /** prompts/extract-rule.md */
  extractRulePrompt: Prompt;
};

const ExtractRuleAnswerSchema = z.object({ rule: ExtractRuleSchema });

export function createBrowserStepModel({ handle, call, meter, extractRulePrompt }: BrowserStepModelOptions): BrowserStepModel {
  // Stagehand's schemas and the recursive rule have optional fields, which OpenAI's strict mode forbids; zod checks answers instead.
  const providerOptions = { openai: { ...call.providerOptions.openai, strictJsonSchema: false } };

  async function stagehand(request: StagehandRequest, secrets: readonly string[], signal: AbortSignal) {
    const hide = (text: string) => redact(text, secrets);
    const instructions = request.messages.flatMap((message) => (message.role === 'system' ? [hide(message.content)] : [])).join('\n\n');
    const result = await generateText({
      model: handle.model,
      ...(instructions && { instructions }),
      messages: request.messages.flatMap((message) => toModelMessage(message, hide)),
      ...(request.tools && { tools: toToolSet(request.tools) }),
      ...(request.toolChoice && { toolChoice: request.toolChoice }),
      ...(request.jsonSchema && { output: Output.object({ schema: jsonSchema(request.jsonSchema) }) }),
      ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      maxRetries: call.maxRetries,
      timeout: call.timeout,
      providerOptions,
      abortSignal: signal,
    });
    const answer: ModelAnswer = {
      kind: 'stagehand',
      ...(result.text && { text: result.text }),
      toolCalls: result.toolCalls.map((toolCall) => ({
        toolCallId: toolCall.toolCallId,
        toolName: toolCall.toolName,
        input: toolCall.input as z.core.util.JSONType,
      })),
      // A call cut short by the provider counts as other: the runner treats both alike.
      finishReason: result.finishReason === 'interrupted' ? 'other' : result.finishReason,
      inputTokens: result.usage.inputTokens ?? 0,
      outputTokens: result.usage.outputTokens ?? 0,
    };
    return { answer, usage: result.usage };
  }

  async function extractRule(request: ExtractRuleRequest, secrets: readonly string[], signal: AbortSignal) {
    const task = [
      `Instruction: ${request.instruction}`,
      `Shape: ${request.shape ? JSON.stringify(request.shape) : 'none (one piece of text)'}`,
      `URL: ${request.url}`,
      ...(request.failure ? [`The previous rule failed: ${request.failure}`] : []),
      `Page outline:\n${request.outline}`,
    ].join('\n\n');
    const result = await generateText({
      model: handle.model,
      instructions: extractRulePrompt.text,
      prompt: redact(task, secrets),
      output: Output.object({ schema: ExtractRuleAnswerSchema }),
      maxRetries: call.maxRetries,
      timeout: call.timeout,
      providerOptions,
      abortSignal: signal,
    });
    const answer: ModelAnswer = {
      kind: 'extract-rule',
      rule: result.output.rule,
      inputTokens: result.usage.inputTokens ?? 0,
      outputTokens: result.usage.outputTokens ?? 0,
    };
    return { answer, usage: result.usage };
  }

  return {
    async answer(request, context, signal) {
      await meter.assertWithinBudget({ ownerId: context.ownerId, runId: context.runId });
      const startedAt = performance.now();
      const { answer, usage } = request.kind === 'stagehand' ? await stagehand(request, context.secrets, signal) : await extractRule(request, context.secrets, signal);
      await meter.record({
        ownerId: context.ownerId,
        conversationId: context.conversationId,
        runId: context.runId,
        attempt: context.attempt,
        stepIndex: context.stepIndex,
        purpose: 'browser-step',
        model: handle.name,
        usage,
        durationMs: performance.now() - startedAt,
      });
      return answer;
    },
  };
}

/** A bridged message as the AI SDK takes it, secrets hidden (system messages go in as instructions). */
function toModelMessage(message: StagehandRequest['messages'][number], hide: (text: string) => string): ModelMessage[] {
  switch (message.role) {
    case 'system':
      return [];
    case 'user':
      return [
        {
          role: 'user',
          content: message.content.map((part) =>
            part.type === 'text'
              ? { type: 'text' as const, text: hide(part.text) }
              : { type: 'file' as const, data: part.base64, mediaType: part.mediaType },
          ),
        },
      ];
    case 'assistant':
      return [
        {
          role: 'assistant',
          content: message.content.map((part) =>
            part.type === 'text' ? { type: 'text' as const, text: hide(part.text) } : { ...part, input: hideInJson(part.input, hide) },
          ),
        },
      ];
    case 'tool':
      return [
        {
          role: 'tool',
          content: message.content.map((part) => ({
            type: 'tool-result' as const,
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            output: toToolOutput(hideInJson(part.output, hide)),
          })),
        },
      ];
  }
}

/** `value` with `hide` applied to every string in it. */
function hideInJson(value: JSONValue, hide: (text: string) => string): JSONValue {
  if (typeof value === 'string') return hide(value);
  if (Array.isArray(value)) return value.map((item) => hideInJson(item, hide));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === undefined ? null : hideInJson(item, hide)]));
  }
  return value;
}

/** A tool result as Stagehand produced it ({type: 'json' | 'text', value}), or any JSON. */
function toToolOutput(output: JSONValue): { type: 'json'; value: JSONValue } | { type: 'text'; value: string } {
  if (typeof output === 'object' && output !== null && !Array.isArray(output) && 'value' in output) {
    if (output.type === 'text' && typeof output.value === 'string') return { type: 'text', value: output.value };
    if (output.type === 'json' && output.value !== undefined) return { type: 'json', value: output.value };
  }
  return { type: 'json', value: output };
}

/** Stagehand's tools, offered to the model without `execute`: the runner carries out the calls. */
function toToolSet(tools: NonNullable<StagehandRequest['tools']>): ToolSet {
  return Object.fromEntries(
    tools.map((spec) => [
      spec.name,
      tool({ ...(spec.description && { description: spec.description }), inputSchema: jsonSchema(spec.inputSchema) }),
    ]),
  );
}
