import { z } from 'zod';
import { PlanViewSchema, RunViewSchema } from './run.ts';

// Chat messages follow the AI SDK's UIMessage shape (id, role, typed parts; data parts
// named `data-*` with an id so they can be replaced in place), see chat.test-d.ts.

export const TextPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });
export const PlanPartSchema = z.strictObject({ type: z.literal('data-plan'), id: z.uuid(), data: PlanViewSchema });
/** Live state of a run; replaced in place each time the run changes. */
export const RunPartSchema = z.strictObject({ type: z.literal('data-run'), id: z.uuid(), data: RunViewSchema });

export const ChatMessagePartSchema = z.discriminatedUnion('type', [TextPartSchema, PlanPartSchema, RunPartSchema]);
export type ChatMessagePart = z.infer<typeof ChatMessagePartSchema>;

export const ChatMessageSchema = z.strictObject({
  id: z.uuid(),
  role: z.enum(['user', 'assistant']),
  parts: z.array(ChatMessagePartSchema),
  metadata: z.strictObject({ createdAt: z.iso.datetime({ offset: true }) }),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const ConversationSchema = z.strictObject({
  id: z.uuid(),
  /** Null until the first message, which then names the conversation. */
  title: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Conversation = z.infer<typeof ConversationSchema>;
