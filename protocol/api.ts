import { z } from 'zod';
import { ChatMessageSchema, ConversationSchema } from './chat.ts';
import { PlanViewSchema, RunViewSchema } from './run.ts';
import { PlanStepsSchema } from './step.ts';

// Bodies of the REST API's requests and responses.

export const CreateConversationBodySchema = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
});

export const PostMessageBodySchema = z.strictObject({
  text: z.string().trim().min(1, 'the message is empty').max(20_000),
  /** Set by clients that retry: a second post with the same id returns the first result. */
  clientMessageId: z.string().min(1).max(100).optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBodySchema>;

/** Create a run from explicit steps or from a prompt in the command grammar. */
export const CreateRunBodySchema = z.union([
  z.strictObject({ steps: PlanStepsSchema, conversationId: z.uuid().optional() }),
  z.strictObject({ prompt: z.string().trim().min(1).max(20_000), conversationId: z.uuid().optional() }),
]);
export type CreateRunBody = z.infer<typeof CreateRunBodySchema>;

// Bodies of the REST API's successful responses.

export const ConversationListResponseSchema = z.strictObject({ conversations: z.array(ConversationSchema) });
export const ConversationResponseSchema = z.strictObject({ conversation: ConversationSchema });
export const ConversationDetailResponseSchema = z.strictObject({
  conversation: ConversationSchema,
  messages: z.array(ChatMessageSchema),
});
/** The stored message and the reply to it. */
export const MessagesResponseSchema = z.strictObject({ messages: z.array(ChatMessageSchema) });
export const RunResponseSchema = z.strictObject({ run: RunViewSchema });
export const RunDetailResponseSchema = z.strictObject({ run: RunViewSchema, plan: PlanViewSchema });
export const CreatedRunResponseSchema = z.strictObject({ run: RunViewSchema, conversationId: z.uuid() });

export type ConversationListResponse = z.infer<typeof ConversationListResponseSchema>;
export type ConversationResponse = z.infer<typeof ConversationResponseSchema>;
export type ConversationDetailResponse = z.infer<typeof ConversationDetailResponseSchema>;
export type MessagesResponse = z.infer<typeof MessagesResponseSchema>;
export type RunResponse = z.infer<typeof RunResponseSchema>;
export type RunDetailResponse = z.infer<typeof RunDetailResponseSchema>;
export type CreatedRunResponse = z.infer<typeof CreatedRunResponseSchema>;
