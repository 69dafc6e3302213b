import { z } from 'zod';
import {
  ApiErrorBodySchema,
  AttachmentListResponseSchema,
  AttachmentResponseSchema,
  ConversationDetailResponseSchema,
  ConversationListResponseSchema,
  ConversationResponseSchema,
  CreatedRunResponseSchema,
  MessagePageResponseSchema,
  MessageResponseSchema,
  MessagesResponseSchema,
  PlanResponseSchema,
  RunResponseSchema,
  ScheduleDetailResponseSchema,
  ScheduleListResponseSchema,
  ScheduleResponseSchema,
  SessionListResponseSchema,
  SlackLinkCodeResponseSchema,
} from '../../protocol/index.ts';
import type {
  AttachmentView,
  ChatMessage,
  Conversation,
  ConversationDetailResponse,
  ConversationListResponse,
  CreatedRunResponse,
  EditPlanBody,
  MessagePageResponse,
  PlanView,
  PostMessageBody,
  RunView,
  CreateScheduleBody,
  ScheduleRun,
  ScheduleView,
  SessionView,
  SlackLinkCodeResponse,
  UpdateConversationBody,
  UpdateScheduleBody,
} from '../../protocol/index.ts';
import { ApiError } from './api-error.ts';

export type ApiClientOptions = {
  /** Default: the browser's fetch. */
  fetch?: typeof globalThis.fetch;
  /** Time a request may take, in milliseconds; default 20 s. */
  timeoutMs?: number;
  /** Time posting a message may take, which includes planning it; default 120 s. */
  postMessageTimeoutMs?: number;
  /** Time sending an attached file may take; default 120 s. */
  uploadTimeoutMs?: number;
};

export type RequestOptions = { signal?: AbortSignal };

/** `limit` defaults to the server's page size; `cursor` is the previous page's `nextCursor`. */
export type ConversationPageOptions = RequestOptions & { limit?: number; cursor?: string };

/** The messages just before message `before`; `limit` defaults to the server's page size. */
export type MessagePageOptions = RequestOptions & { before: string; limit?: number };

/** A 204 answer has no body. */
const NoContentSchema = z.undefined();

export type ApiClient = ReturnType<typeof createApiClient>;

/** URL of a stored screenshot (usable as an <img> src) or of a file a run downloaded. */
export function artifactUrl(artifactId: string): string {
  return `/api/artifacts/${encodeURIComponent(artifactId)}`;
}

export function createApiClient({
  fetch: fetchImplementation = globalThis.fetch,
  timeoutMs = 20_000,
  postMessageTimeoutMs = 120_000,
  uploadTimeoutMs = 120_000,
}: ApiClientOptions = {}) {
  /** `body` is sent as JSON; `file` as it is, with its own type. */
  async function request<T>(
    path: string,
    schema: z.ZodType<T>,
    { method = 'GET', body, file, signal, timeout = timeoutMs }: { method?: string; body?: unknown; file?: Blob; signal?: AbortSignal; timeout?: number },
  ): Promise<T> {
    const timeoutSignal = AbortSignal.timeout(timeout);
    const contentType = file ? file.type || 'application/octet-stream' : body === undefined ? undefined : 'application/json';
    let status = 0;
    let text: string;
    try {
      const response = await fetchImplementation(path, {
        method,
        headers: { accept: 'application/json', ...(contentType && { 'content-type': contentType }) },
        body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: signal ? AbortSignal.any([signal, timeoutSignal]) : timeoutSignal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (timeoutSignal.aborted) throw new ApiError('timeout', `${method} ${path} timed out`, { cause: error });
      throw new ApiError('network', `${method} ${path} failed`, { cause: error, status: status || undefined });
    }

    const json = parseJson(text);
    if (status < 200 || status > 299) {
      const errorBody = ApiErrorBodySchema.safeParse(json);
      if (errorBody.success) {
        const { code, message, issues } = errorBody.data.error;
        throw new ApiError(code, message, { status, issues });
      }
      throw new ApiError('unavailable', `${method} ${path} answered HTTP ${status}`, { status });
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      console.warn(`${method} ${path}: unexpected response`, z.prettifyError(result.error));
      throw new ApiError('bad-response', `${method} ${path} sent an unexpected response`, { status, cause: result.error });
    }
    return result.data;
  }

  return {
    /** Most recently active first, a page at a time. */
    listConversations({ limit, cursor, ...options }: ConversationPageOptions = {}): Promise<ConversationListResponse> {
      return request(`/api/conversations${query({ limit, cursor })}`, ConversationListResponseSchema, options);
    },

    async createConversation(options: RequestOptions = {}): Promise<Conversation> {
      const data = await request('/api/conversations', ConversationResponseSchema, { ...options, method: 'POST', body: {} });
      return data.conversation;
    },

    /** The conversation with its newest messages. */
    getConversation(conversationId: string, options: RequestOptions = {}): Promise<ConversationDetailResponse> {
      return request(`/api/conversations/${encodeURIComponent(conversationId)}`, ConversationDetailResponseSchema, options);
    },

    /** Older messages, oldest first, for a thread that shows only the newest. */
    listMessages(conversationId: string, { before, limit, ...options }: MessagePageOptions): Promise<MessagePageResponse> {
      const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages${query({ before, limit })}`;
      return request(path, MessagePageResponseSchema, options);
    },

    /** Renames the conversation, or switches whether it runs plans without asking. */
    async updateConversation(conversationId: string, body: UpdateConversationBody, options: RequestOptions = {}): Promise<Conversation> {
      const data = await request(`/api/conversations/${encodeURIComponent(conversationId)}`, ConversationResponseSchema, {
        ...options,
        method: 'PATCH',
        body,
      });
      return data.conversation;
    },

    /** Deletes the conversation with its runs and screenshots; runs still going are stopped. */
    async deleteConversation(conversationId: string, options: RequestOptions = {}): Promise<void> {
      await request(`/api/conversations/${encodeURIComponent(conversationId)}`, NoContentSchema, { ...options, method: 'DELETE' });
    },

    /** Returns the stored user message and the assistant's reply. */
    async postMessage(conversationId: string, body: PostMessageBody, options: RequestOptions = {}): Promise<ChatMessage[]> {
      const data = await request(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, MessagesResponseSchema, {
        ...options,
        method: 'POST',
        body,
        timeout: postMessageTimeoutMs,
      });
      return data.messages;
    },

    /** Stops a reply being written; it then arrives over the socket as `stopped`, keeping what it said. */
    async stopReply(messageId: string, options: RequestOptions = {}): Promise<ChatMessage> {
      const data = await request(`/api/messages/${encodeURIComponent(messageId)}/stop`, MessageResponseSchema, { ...options, method: 'POST' });
      return data.message;
    },

    async cancelRun(runId: string, options: RequestOptions = {}): Promise<RunView> {
      const data = await request(`/api/runs/${encodeURIComponent(runId)}/cancel`, RunResponseSchema, { ...options, method: 'POST' });
      return data.run;
    },

    /** Runs a proposed plan; the run appears in the plan's own card. */
    approvePlan(planId: string, options: RequestOptions = {}): Promise<CreatedRunResponse> {
      return request(`/api/plans/${encodeURIComponent(planId)}/approve`, CreatedRunResponseSchema, { ...options, method: 'POST' });
    },

    /**
     * Replaces a proposed plan's steps, and its browser options when `browser` is given (`{}` for
     * none); returns the new version, which takes the old one's place in its message.
     */
    async editPlan(planId: string, body: EditPlanBody, options: RequestOptions = {}): Promise<PlanView> {
      const data = await request(`/api/plans/${encodeURIComponent(planId)}`, PlanResponseSchema, { ...options, method: 'PATCH', body });
      return data.plan;
    },

    async discardPlan(planId: string, options: RequestOptions = {}): Promise<PlanView> {
      const data = await request(`/api/plans/${encodeURIComponent(planId)}/discard`, PlanResponseSchema, { ...options, method: 'POST' });
      return data.plan;
    },

    /** Queues a new run of the plan; it appears in the plan's conversation as a new message. */
    runPlan(planId: string, options: RequestOptions = {}): Promise<CreatedRunResponse> {
      return request(`/api/plans/${encodeURIComponent(planId)}/run`, CreatedRunResponseSchema, { ...options, method: 'POST' });
    },

    /** The files attached to the conversation, which its plans' `upload` steps can set. */
    async listAttachments(conversationId: string, options: RequestOptions = {}): Promise<AttachmentView[]> {
      const data = await request(`/api/conversations/${encodeURIComponent(conversationId)}/attachments`, AttachmentListResponseSchema, options);
      return data.attachments;
    },

    /** Attaches a file to the conversation, sent as it is (the server refuses more than MAX_ATTACHMENT_BYTES). */
    async attachFile(conversationId: string, file: File, options: RequestOptions = {}): Promise<AttachmentView> {
      const path = `/api/conversations/${encodeURIComponent(conversationId)}/attachments${query({ name: file.name })}`;
      const data = await request(path, AttachmentResponseSchema, { ...options, method: 'POST', file, timeout: uploadTimeoutMs });
      return data.attachment;
    },

    async removeAttachment(attachmentId: string, options: RequestOptions = {}): Promise<void> {
      await request(`/api/attachments/${encodeURIComponent(attachmentId)}`, NoContentSchema, { ...options, method: 'DELETE' });
    },

    /** Browser sessions runs saved (`browser.session.saveAs`), newest first: names and sites, never their cookies. */
    async listSessions(options: RequestOptions = {}): Promise<SessionView[]> {
      const data = await request('/api/sessions', SessionListResponseSchema, options);
      return data.sessions;
    },

    async deleteSession(name: string, options: RequestOptions = {}): Promise<void> {
      await request(`/api/sessions/${encodeURIComponent(name)}`, NoContentSchema, { ...options, method: 'DELETE' });
    },

    /** A one-time code that links a Slack account when sent from it as `/link CODE`. */
    createSlackLinkCode(options: RequestOptions = {}): Promise<SlackLinkCodeResponse> {
      return request('/api/slack/link-codes', SlackLinkCodeResponseSchema, { ...options, method: 'POST' });
    },

    /** Saved tasks that run on a schedule. */
    async listSchedules(options: RequestOptions = {}): Promise<ScheduleView[]> {
      const data = await request('/api/schedules', ScheduleListResponseSchema, options);
      return data.schedules;
    },

    /** The schedule and its newest runs, newest first. */
    getSchedule(scheduleId: string, options: RequestOptions = {}): Promise<{ schedule: ScheduleView; runs: ScheduleRun[] }> {
      return request(`/api/schedules/${encodeURIComponent(scheduleId)}`, ScheduleDetailResponseSchema, options);
    },

    /** Refused (`invalid-request`) for a `when` the server cannot read, an unknown zone, too frequent, and when there are too many. */
    async createSchedule(body: CreateScheduleBody, options: RequestOptions = {}): Promise<ScheduleView> {
      // Planning a prompt into the plan each fire runs takes as long as posting a message.
      const data = await request('/api/schedules', ScheduleResponseSchema, { ...options, method: 'POST', body, timeout: postMessageTimeoutMs });
      return data.schedule;
    },

    async updateSchedule(scheduleId: string, body: UpdateScheduleBody, options: RequestOptions = {}): Promise<ScheduleView> {
      const data = await request(`/api/schedules/${encodeURIComponent(scheduleId)}`, ScheduleResponseSchema, { ...options, method: 'PATCH', body });
      return data.schedule;
    },

    /** Stops it running at its times until it is resumed; answers with the schedule as it now is. */
    async pauseSchedule(scheduleId: string, options: RequestOptions = {}): Promise<ScheduleView> {
      const data = await request(`/api/schedules/${encodeURIComponent(scheduleId)}/pause`, ScheduleResponseSchema, { ...options, method: 'POST' });
      return data.schedule;
    },

    /** Runs it at its times again, the next one from now. */
    async resumeSchedule(scheduleId: string, options: RequestOptions = {}): Promise<ScheduleView> {
      const data = await request(`/api/schedules/${encodeURIComponent(scheduleId)}/resume`, ScheduleResponseSchema, { ...options, method: 'POST' });
      return data.schedule;
    },

    /** Runs it now, outside its times; the run then shows in its history (read it again) as `manual`. */
    async runScheduleNow(scheduleId: string, options: RequestOptions = {}): Promise<void> {
      await request(`/api/schedules/${encodeURIComponent(scheduleId)}/run`, z.unknown(), { ...options, method: 'POST' });
    },

    async deleteSchedule(scheduleId: string, options: RequestOptions = {}): Promise<void> {
      await request(`/api/schedules/${encodeURIComponent(scheduleId)}`, NoContentSchema, { ...options, method: 'DELETE' });
    },
  };
}

/** `?a=1&b=x` from the parameters that are set, or '' when none is. */
function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
