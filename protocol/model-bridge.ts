import { z } from 'zod';
import { ExtractShapeSchema, ExtractRuleSchema } from './extraction.ts';
import { ErrorInfoSchema } from './errors.ts';
import { text } from './text.ts';

// Runners hold no model key (ARCHITECTURE D5): an AI step's model calls travel over the runner
// socket to the server, which calls the browser-step model, meters and budgets them, and
// answers. Requests are correlated by `requestId`; the runner may cancel one it no longer needs.

/** Largest text of one request (prompt and page together), in characters. */
export const MAX_MODEL_REQUEST_LENGTH = 1_000_000;

const ContentTextSchema = text().max(MAX_MODEL_REQUEST_LENGTH);

/** A message of a Stagehand model call, as the AI SDK (language model v2) shapes prompts. */
const BridgedMessageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: ContentTextSchema }),
  z.strictObject({
    role: z.literal('user'),
    content: z.array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('text'), text: ContentTextSchema }),
        /** An image (a screenshot), base64. */
        z.strictObject({ type: z.literal('image'), mediaType: z.string().max(100), base64: z.string().max(20_000_000) }),
      ]),
    ),
  }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('text'), text: ContentTextSchema }),
        z.strictObject({ type: z.literal('tool-call'), toolCallId: z.string().max(200), toolName: z.string().max(200), input: z.json() }),
      ]),
    ),
  }),
  z.strictObject({
    role: z.literal('tool'),
    content: z.array(z.strictObject({ type: z.literal('tool-result'), toolCallId: z.string().max(200), toolName: z.string().max(200), output: z.json() })),
  }),
]);
export type BridgedMessage = z.infer<typeof BridgedMessageSchema>;

/** A tool Stagehand's agent offers the model. */
const BridgedToolSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: text().max(10_000).optional(),
  /** JSON Schema of the tool's input. */
  inputSchema: z.record(z.string(), z.json()),
});

/** What an AI step asks a model. */
export const ModelRequestSchema = z.discriminatedUnion('kind', [
  /** A call Stagehand makes for `act`, `observe` or `agent`, forwarded as it is. */
  z.strictObject({
    kind: z.literal('stagehand'),
    messages: z.array(BridgedMessageSchema).min(1).max(500),
    /** Answer with JSON of this JSON Schema. */
    jsonSchema: z.record(z.string(), z.json()).optional(),
    tools: z.array(BridgedToolSchema).max(100).optional(),
    toolChoice: z.enum(['auto', 'none', 'required']).optional(),
    maxOutputTokens: z.number().int().min(1).max(100_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
  }),
  /**
   * An `extract` step asks for a rule that reads what its instruction wants from the page,
   * given a compact outline of the page (and, when healing, why the old rule failed).
   */
  z.strictObject({
    kind: z.literal('extract-rule'),
    instruction: text().min(1).max(1_000),
    shape: ExtractShapeSchema.optional(),
    outline: text().max(MAX_MODEL_REQUEST_LENGTH),
    url: text().max(4_096),
    failure: text().max(4_000).optional(),
  }),
]);
export type ModelRequest = z.infer<typeof ModelRequestSchema>;

/** The model's answer, with what it used. */
export const ModelAnswerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('stagehand'),
    text: text().max(MAX_MODEL_REQUEST_LENGTH).optional(),
    toolCalls: z.array(z.strictObject({ toolCallId: z.string().max(200), toolName: z.string().max(200), input: z.json() })).max(50),
    finishReason: z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']),
    inputTokens: z.number().int().min(0),
    outputTokens: z.number().int().min(0),
  }),
  z.strictObject({ kind: z.literal('extract-rule'), rule: ExtractRuleSchema, inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) }),
]);
export type ModelAnswer = z.infer<typeof ModelAnswerSchema>;

const RunStepRefSchema = { runId: z.uuid(), attempt: z.number().int().min(1), index: z.number().int().min(0) };

/** Runner -> server: a model call for step `index` of a run it holds. */
export const ModelCallSchema = z.strictObject({ type: z.literal('model-call'), requestId: z.uuid(), ...RunStepRefSchema, request: ModelRequestSchema });
/** Runner -> server: the answer to this call is no longer wanted (the step was stopped). */
export const ModelCancelSchema = z.strictObject({ type: z.literal('model-cancel'), requestId: z.uuid() });

/** Server -> runner: the model's answer. */
export const ModelResultSchema = z.strictObject({ type: z.literal('model-result'), requestId: z.uuid(), answer: ModelAnswerSchema });
/** Server -> runner: the call failed (`budget-exceeded`, `model-unavailable`, `timeout`, `cancelled`…); the message says why. */
export const ModelErrorSchema = z.strictObject({ type: z.literal('model-error'), requestId: z.uuid(), ...ErrorInfoSchema.shape });

export type ModelCall = z.infer<typeof ModelCallSchema>;
export type ModelResult = z.infer<typeof ModelResultSchema>;
export type ModelError = z.infer<typeof ModelErrorSchema>;
