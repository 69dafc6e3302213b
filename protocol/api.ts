import { z } from 'zod';
import { PlanStepsSchema } from './step.ts';

// Bodies of the REST API's requests. Responses are built from the schemas in chat.ts and run.ts.

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
