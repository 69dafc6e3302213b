import { z } from 'zod';
import { ChatMessageSchema } from './chat.ts';
import { ServerErrorSchema } from './runner-messages.ts';

// Browser <-> server, over `/ws`. The client sends `hello`, then `subscribe`s to the
// conversations it shows. For each subscription the server sends one snapshot, then a
// `message-upsert` whenever a message (or the run inside it) changes. `seq` grows with
// every change to a conversation: a client keeps, per message, the newest seq it has
// applied and ignores older upserts. After a reconnect it subscribes again and gets a
// fresh snapshot, so nothing is missed. A snapshot holds the newest messages only
// (`hasOlder` says whether there are more); older ones are read over HTTP, page by page.
// A client that sends no `hello` within 10 seconds is disconnected.

export const UiHelloSchema = z.strictObject({ type: z.literal('hello'), protocolVersion: z.number().int() });
export const SubscribeSchema = z.strictObject({ type: z.literal('subscribe'), conversationId: z.uuid() });
export const UnsubscribeSchema = z.strictObject({ type: z.literal('unsubscribe'), conversationId: z.uuid() });

export const UiClientMessageSchema = z.discriminatedUnion('type', [UiHelloSchema, SubscribeSchema, UnsubscribeSchema]);
export type UiClientMessage = z.infer<typeof UiClientMessageSchema>;

export const UiWelcomeSchema = z.strictObject({ type: z.literal('welcome'), protocolVersion: z.number().int() });
export const ConversationSnapshotSchema = z.strictObject({
  type: z.literal('conversation-snapshot'),
  conversationId: z.uuid(),
  seq: z.number().int().min(0),
  /** The newest messages, oldest first. */
  messages: z.array(ChatMessageSchema),
  /** Whether the conversation has messages older than these (GET /api/conversations/:id/messages?before=). */
  hasOlder: z.boolean(),
});
export const MessageUpsertSchema = z.strictObject({
  type: z.literal('message-upsert'),
  conversationId: z.uuid(),
  seq: z.number().int().min(0),
  message: ChatMessageSchema,
});
/** The conversation was deleted (in this tab or another); its subscription has ended. */
export const ConversationDeletedSchema = z.strictObject({ type: z.literal('conversation-deleted'), conversationId: z.uuid() });
/** An error about one request; `conversationId` says which subscription failed, if any. */
export const UiErrorSchema = ServerErrorSchema.extend({ conversationId: z.uuid().optional() });

export const UiServerMessageSchema = z.discriminatedUnion('type', [
  UiWelcomeSchema,
  ConversationSnapshotSchema,
  MessageUpsertSchema,
  ConversationDeletedSchema,
  UiErrorSchema,
]);
export type UiServerMessage = z.infer<typeof UiServerMessageSchema>;
export type ConversationSnapshot = z.infer<typeof ConversationSnapshotSchema>;
export type MessageUpsert = z.infer<typeof MessageUpsertSchema>;
