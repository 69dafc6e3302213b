import type { AISdkClient } from '@browserbasehq/stagehand';
import type { BridgedMessage, ModelAnswer, ModelRequest } from '../../protocol/index.ts';
import { StepError } from '../steps/step-error.ts';

// Stagehand talks to its model through the AI SDK's language model interface (v2). A call is
// translated into a `stagehand` ModelRequest for the server and the answer back; the types come
// from Stagehand's own copy of the interface, so they match whatever Stagehand expects.

export type StagehandLanguageModel = ConstructorParameters<typeof AISdkClient>[0]['model'];
type CallOptions = Parameters<StagehandLanguageModel['doGenerate']>[0];
type GenerateResult = Awaited<ReturnType<StagehandLanguageModel['doGenerate']>>;
type PromptMessage = CallOptions['prompt'][number];
type StagehandRequest = Extract<ModelRequest, { kind: 'stagehand' }>;
type StagehandAnswer = Extract<ModelAnswer, { kind: 'stagehand' }>;
type JsonValue = NonNullable<StagehandRequest['jsonSchema']>[string];

/** Largest `maxOutputTokens` the wire accepts. */
const MAX_OUTPUT_TOKENS = 100_000;

export function toModelRequest(options: CallOptions): StagehandRequest {
  const choice = options.toolChoice;
  // A forced tool ("call done now") travels as "required" with that tool alone.
  const tools = (options.tools ?? [])
    .flatMap((tool) => (tool.type === 'function' ? [tool] : []))
    .filter((tool) => choice?.type !== 'tool' || tool.name === choice.toolName)
    .map((tool) => ({ name: tool.name, ...(tool.description !== undefined && { description: tool.description }), inputSchema: asJsonObject(tool.inputSchema) }));
  return {
    kind: 'stagehand',
    messages: options.prompt.flatMap(toBridgedMessage),
    ...(options.responseFormat?.type === 'json' && { jsonSchema: asJsonObject(options.responseFormat.schema ?? {}) }),
    ...(tools.length > 0 && { tools }),
    ...(choice && tools.length > 0 && { toolChoice: choice.type === 'tool' ? 'required' : choice.type }),
    ...(options.maxOutputTokens !== undefined && { maxOutputTokens: Math.min(Math.max(1, Math.round(options.maxOutputTokens)), MAX_OUTPUT_TOKENS) }),
    ...(options.temperature !== undefined && { temperature: Math.min(Math.max(0, options.temperature), 2) }),
  };
}

export function toGenerateResult(answer: StagehandAnswer): GenerateResult {
  return {
    content: [
      ...(answer.text !== undefined && answer.text !== '' ? [{ type: 'text' as const, text: answer.text }] : []),
      ...answer.toolCalls.map((call) => ({ type: 'tool-call' as const, toolCallId: call.toolCallId, toolName: call.toolName, input: JSON.stringify(call.input) })),
    ],
    finishReason: answer.finishReason,
    usage: { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, totalTokens: answer.inputTokens + answer.outputTokens },
    warnings: [],
  };
}

/** Reasoning and provider-run tool results have no place on the wire and are left out. */
function toBridgedMessage(message: PromptMessage): BridgedMessage[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user':
      return [
        {
          role: 'user',
          content: message.content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image', ...asImage(part.data, part.mediaType) })),
        },
      ];
    case 'assistant':
      return [
        {
          role: 'assistant',
          content: message.content.flatMap((part): Extract<BridgedMessage, { role: 'assistant' }>['content'] => {
            if (part.type === 'text') return [{ type: 'text', text: part.text }];
            if (part.type === 'tool-call') return [{ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: asJson(part.input) }];
            return [];
          }),
        },
      ];
    case 'tool':
      return [
        {
          role: 'tool',
          content: message.content.map((part) => ({ type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output: asJson(part.output) })),
        },
      ];
  }
}

/** Screenshots arrive as bytes, base64 or a data: URL; nothing else can be forwarded. */
function asImage(data: Uint8Array | string | URL, mediaType: string): { mediaType: string; base64: string } {
  if (data instanceof Uint8Array) return { mediaType, base64: Buffer.from(data).toString('base64') };
  const text = data.toString();
  const dataUrl = /^data:([^;,]+)?;base64,(.*)$/s.exec(text);
  if (dataUrl) return { mediaType: dataUrl[1] ?? mediaType, base64: dataUrl[2]! };
  if (data instanceof URL) throw new StepError('internal', 'Stagehand sent the model an image by URL, which the runner cannot forward');
  return { mediaType, base64: text };
}

/** Plain JSON: undefined fields dropped, as they would be on the wire anyway. */
function asJson(value: unknown): JsonValue {
  return (value === undefined ? null : JSON.parse(JSON.stringify(value))) as JsonValue;
}

function asJsonObject(value: unknown): Record<string, JsonValue> {
  return asJson(value) as Record<string, JsonValue>;
}
