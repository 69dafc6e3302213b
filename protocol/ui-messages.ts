import { z } from 'zod';
import { ChatMessageSchema, ConversationSchema } from './chat.ts';
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
/**
 * A piece of a reply being written, as an AI SDK `UIMessageChunk` (validate it with `ai`'s
 * `uiMessageChunkSchema`; build the message with `readUIMessageStream`). `seq` counts the
 * message's chunks from 0. After `subscribe` the server sends every chunk of a reply still being
 * written from 0, so a tab that joins or reconnects mid-reply rebuilds it whole; the reply's
 * final `message-upsert` replaces what the chunks built. Chunks can arrive before the upsert
 * that first shows their message (it is read from the database, they are not): hold them by
 * message id. Chunks of a message already shown as finished can be ignored.
 */
export const MessageChunkSchema = z.strictObject({
  type: z.literal('message-chunk'),
  conversationId: z.uuid(),
  messageId: z.uuid(),
  seq: z.number().int().min(0),
  chunk: z.looseObject({ type: z.string() }),
});
export type MessageChunk = z.infer<typeof MessageChunkSchema>;

/** The conversation itself changed (renamed, "run plans without asking" switched), in this tab or another. */
export const ConversationUpdatedSchema = z.strictObject({
  type: z.literal('conversation-updated'),
  conversationId: z.uuid(),
  conversation: ConversationSchema,
});

/** The conversation was deleted (in this tab or another); its subscription has ended. */
export const ConversationDeletedSchema = z.strictObject({ type: z.literal('conversation-deleted'), conversationId: z.uuid() });
/** An error about one request; `conversationId` says which subscription failed, if any. */
export const UiErrorSchema = ServerErrorSchema.extend({ conversationId: z.uuid().optional() });

export const UiServerMessageSchema = z.discriminatedUnion('type', [
  UiWelcomeSchema,
  ConversationSnapshotSchema,
  MessageUpsertSchema,
  MessageChunkSchema,
  ConversationUpdatedSchema,
  ConversationDeletedSchema,
  UiErrorSchema,
]);
export type UiServerMessage = z.infer<typeof UiServerMessageSchema>;
export type ConversationSnapshot = z.infer<typeof ConversationSnapshotSchema>;
export type MessageUpsert = z.infer<typeof MessageUpsertSchema>;
