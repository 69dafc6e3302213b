import { z } from 'zod';
import { AttachmentViewSchema, BrowserOptionsSchema, SessionViewSchema } from './browser.ts';
import { text } from './text.ts';
import { ChatMessageSchema, ConversationSchema } from './chat.ts';
import { PlanViewSchema, RunViewSchema } from './run.ts';
import { PlanStepsSchema } from './step.ts';

// Bodies of the REST API's requests and responses.

export const CreateConversationBodySchema = z.strictObject({
  title: text().trim().min(1).max(200).optional(),
  autoRun: z.boolean().optional(),
});

/** `PATCH /api/conversations/:id`: rename it, or switch "run plans without asking". */
export const UpdateConversationBodySchema = z
  .strictObject({ title: text().trim().min(1).max(200).optional(), autoRun: z.boolean().optional() })
  .refine((body) => body.title !== undefined || body.autoRun !== undefined, 'send a title, autoRun, or both');
export type UpdateConversationBody = z.infer<typeof UpdateConversationBodySchema>;

/** `PATCH /api/plans/:id`: the edited steps (and browser options); they become a new version of a proposed plan. */
export const EditPlanBodySchema = z.strictObject({ steps: PlanStepsSchema, browser: BrowserOptionsSchema.optional() });
export type EditPlanBody = z.infer<typeof EditPlanBodySchema>;

export const PostMessageBodySchema = z.strictObject({
  text: text().trim().min(1, 'the message is empty').max(20_000),
  /** Set by clients that retry: a second post with the same id returns the first result. */
  clientMessageId: text().min(1).max(100).optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBodySchema>;

/** Create a run from explicit steps or from a prompt in the command grammar. */
export const CreateRunBodySchema = z.union([
  z.strictObject({ steps: PlanStepsSchema, browser: BrowserOptionsSchema.optional(), conversationId: z.uuid().optional() }),
  z.strictObject({ prompt: text().trim().min(1).max(20_000), conversationId: z.uuid().optional() }),
]);
export type CreateRunBody = z.infer<typeof CreateRunBodySchema>;

/** Most items one page of a list holds. */
export const MAX_PAGE_SIZE = 100;
/** Items in a page when the request does not say. */
export const DEFAULT_PAGE_SIZE = 50;
const PageSizeSchema = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE);

/** `GET /api/conversations?limit=&cursor=`: most recently active first; `cursor` is the previous page's `nextCursor`. */
export const ConversationListQuerySchema = z.strictObject({
  limit: PageSizeSchema,
  cursor: text().max(200).optional(),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

/** `GET /api/conversations/:id/messages?before=&limit=`: the messages just before message `before` (default: the newest). */
export const MessagePageQuerySchema = z.strictObject({
  before: z.uuid().optional(),
  limit: PageSizeSchema,
});
export type MessagePageQuery = z.infer<typeof MessagePageQuerySchema>;

// Bodies of the REST API's successful responses.

export const ConversationListResponseSchema = z.strictObject({
  conversations: z.array(ConversationSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export const ConversationResponseSchema = z.strictObject({ conversation: ConversationSchema });
/** A conversation with its newest messages, oldest first. */
export const ConversationDetailResponseSchema = z.strictObject({
  conversation: ConversationSchema,
  messages: z.array(ChatMessageSchema),
  hasOlder: z.boolean(),
});
/** A page of messages, oldest first. */
export const MessagePageResponseSchema = z.strictObject({
  messages: z.array(ChatMessageSchema),
  hasOlder: z.boolean(),
});
/** The stored message and the reply to it. */
export const MessagesResponseSchema = z.strictObject({ messages: z.array(ChatMessageSchema) });
export const RunResponseSchema = z.strictObject({ run: RunViewSchema });
export const PlanResponseSchema = z.strictObject({ plan: PlanViewSchema });
export const MessageResponseSchema = z.strictObject({ message: ChatMessageSchema });
export const RunDetailResponseSchema = z.strictObject({ run: RunViewSchema, plan: PlanViewSchema });
export const CreatedRunResponseSchema = z.strictObject({ run: RunViewSchema, conversationId: z.uuid() });

/** Largest file one attachment may be, in bytes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * `POST /api/conversations/:id/attachments?name=report.pdf`: the file as the raw body, its type
 * as Content-Type. Attached files are what `upload` steps set.
 */
export const AttachmentQuerySchema = z.strictObject({ name: text().trim().min(1).max(255) });
export const AttachmentResponseSchema = z.strictObject({ attachment: AttachmentViewSchema });
export const AttachmentListResponseSchema = z.strictObject({ attachments: z.array(AttachmentViewSchema) });

/** `GET /api/sessions`: the owner's saved browser sessions, newest first. */
export const SessionListResponseSchema = z.strictObject({ sessions: z.array(SessionViewSchema) });

/** `POST /api/slack/link-codes`: a one-time code to send from Slack (`/link CODE`), usable until `expiresAt`. */
export const SlackLinkCodeResponseSchema = z.strictObject({ code: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/), expiresAt: z.iso.datetime({ offset: true }) });
export type SlackLinkCodeResponse = z.infer<typeof SlackLinkCodeResponseSchema>;

export type ConversationListResponse = z.infer<typeof ConversationListResponseSchema>;
export type ConversationResponse = z.infer<typeof ConversationResponseSchema>;
export type ConversationDetailResponse = z.infer<typeof ConversationDetailResponseSchema>;
export type MessagesResponse = z.infer<typeof MessagesResponseSchema>;
export type RunResponse = z.infer<typeof RunResponseSchema>;
export type RunDetailResponse = z.infer<typeof RunDetailResponseSchema>;
export type CreatedRunResponse = z.infer<typeof CreatedRunResponseSchema>;
export type MessagePageResponse = z.infer<typeof MessagePageResponseSchema>;
export type PlanResponse = z.infer<typeof PlanResponseSchema>;
export type MessageResponse = z.infer<typeof MessageResponseSchema>;
