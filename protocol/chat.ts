import { z } from 'zod';
import { ErrorInfoSchema } from './errors.ts';
import { PlanViewSchema, RunViewSchema } from './run.ts';
import { UsageSchema } from './usage.ts';

// Chat messages follow the AI SDK's UIMessage shape (id, role, typed parts; data parts
// named `data-*` with an id so they can be replaced in place; tool parts named `tool-*`),
// see chat.test-d.ts.

export const TextPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });
/** The model's reasoning, when the model sends it. */
export const ReasoningPartSchema = z.strictObject({ type: z.literal('reasoning'), text: z.string() });

/** Tools the assistant may call; each call is kept in its message as a `tool-<name>` part. */
export const ASSISTANT_TOOL_NAMES = ['propose_plan', 'run_plan', 'schedule_task', 'get_run', 'list_runs'] as const;
export type AssistantToolName = (typeof ASSISTANT_TOOL_NAMES)[number];
const toolPartType = z.enum(ASSISTANT_TOOL_NAMES.map((name) => `tool-${name}` as const));
/** A finished tool call: what the model asked for and what it got back. */
export const ToolPartSchema = z.union([
  z.strictObject({ type: toolPartType, toolCallId: z.string().max(200), state: z.literal('output-available'), input: z.unknown(), output: z.unknown() }),
  z.strictObject({ type: toolPartType, toolCallId: z.string().max(200), state: z.literal('output-error'), input: z.unknown(), errorText: z.string() }),
]);
export type ToolPart = z.infer<typeof ToolPartSchema>;
export const PlanPartSchema = z.strictObject({ type: z.literal('data-plan'), id: z.uuid(), data: PlanViewSchema });
/** Live state of a run; replaced in place each time the run changes. */
export const RunPartSchema = z.strictObject({ type: z.literal('data-run'), id: z.uuid(), data: RunViewSchema });

export const ChatMessagePartSchema = z.union([TextPartSchema, ReasoningPartSchema, ToolPartSchema, PlanPartSchema, RunPartSchema]);
export type ChatMessagePart = z.infer<typeof ChatMessagePartSchema>;

/**
 * - `streaming`: the reply is being written; its text arrives as `message-chunk` frames.
 * - `complete`: written in full.
 * - `stopped`: the person stopped it; what was written so far is kept.
 * - `failed`: the model could not finish it; `error` says why, and what was written so far is kept.
 */
export const MESSAGE_STATUSES = ['streaming', 'complete', 'stopped', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MessageMetadataSchema = z.strictObject({
  createdAt: z.iso.datetime({ offset: true }),
  status: z.enum(MESSAGE_STATUSES),
  /** Why a `failed` reply failed. */
  error: ErrorInfoSchema.optional(),
  /** For replies written by a model: which model, what it used and cost. */
  usage: UsageSchema.optional(),
  /** The prompt file (and its version) the reply was written with. */
  prompt: z.strictObject({ name: z.string(), hash: z.string() }).optional(),
});
export type MessageMetadata = z.infer<typeof MessageMetadataSchema>;

export const ChatMessageSchema = z.strictObject({
  id: z.uuid(),
  role: z.enum(['user', 'assistant']),
  parts: z.array(ChatMessagePartSchema),
  metadata: MessageMetadataSchema,
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const ConversationSchema = z.strictObject({
  id: z.uuid(),
  /** Null until the first message, which then names the conversation. */
  title: z.string().nullable(),
  /** Run the plans the assistant proposes at once, without waiting for Run. */
  autoRun: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Conversation = z.infer<typeof ConversationSchema>;
