import { z } from 'zod';
import { ConversationSchema, MessageChunkSchema, RunStatusSchema } from '../../protocol/index.ts';

// What one part of skipper tells the others (ARCHITECTURE D11). Every server instance on the
// database hears every event, so a tab, a runner or a schedule connected to another instance
// behaves as if there were one.

const ChangeSchema = z.strictObject({ ownerId: z.uuid(), conversationId: z.uuid(), seq: z.number().int().min(0), messageId: z.uuid() });
const HeldRunSchema = z.strictObject({ runId: z.uuid(), attempt: z.number().int().min(1), runnerId: z.uuid() });

export const SkipperEventSchema = z.discriminatedUnion('type', [
  /** A message (or the plan or run in it) changed; watchers read it back at least as new as `seq`. */
  z.strictObject({ type: z.literal('message-changed'), change: ChangeSchema }),
  /** A piece of a reply being written. */
  z.strictObject({ type: z.literal('message-chunk'), ownerId: z.uuid(), chunk: MessageChunkSchema }),
  z.strictObject({ type: z.literal('conversation-updated'), ownerId: z.uuid(), conversation: ConversationSchema }),
  z.strictObject({ type: z.literal('conversation-deleted'), ownerId: z.uuid(), conversationId: z.uuid() }),
  /** Runs were queued: instances with free runner slots claim them. */
  z.strictObject({ type: z.literal('runs-queued') }),
  /** These attempts must stop at once (cancelled, deleted, ended by the sweeper): whichever instance holds their runner tells it. */
  z.strictObject({ type: z.literal('stop-runs'), held: z.array(HeldRunSchema).max(1_000) }),
  /** A run reached its final status. */
  z.strictObject({
    type: z.literal('run-ended'),
    ownerId: z.uuid(),
    conversationId: z.uuid(),
    runId: z.uuid(),
    status: RunStatusSchema,
  }),
]);
export type SkipperEvent = z.infer<typeof SkipperEventSchema>;
export type SkipperEventType = SkipperEvent['type'];
export type SkipperEventOf<Type extends SkipperEventType> = Extract<SkipperEvent, { type: Type }>;
