import { z } from 'zod';
import {
  ApiErrorBodySchema,
  ConversationDetailResponseSchema,
  ConversationListResponseSchema,
  ConversationResponseSchema,
  CreatedRunResponseSchema,
  MessagePageResponseSchema,
  MessageResponseSchema,
  MessagesResponseSchema,
  PlanResponseSchema,
  RunResponseSchema,
} from '../../protocol/index.ts';
import type {
  ChatMessage,
  Conversation,
  ConversationDetailResponse,
  ConversationListResponse,
  CreatedRunResponse,
  MessagePageResponse,
  PlanView,
  PostMessageBody,
  RunView,
  Step,
  UpdateConversationBody,
} from '../../protocol/index.ts';
import { ApiError } from './api-error.ts';

export type ApiClientOptions = {
  /** Default: the browser's fetch. */
  fetch?: typeof globalThis.fetch;
  /** Time a request may take, in milliseconds; default 20 s. */
  timeoutMs?: number;
  /** Time posting a message may take, which includes planning it; default 120 s. */
  postMessageTimeoutMs?: number;
};

export type RequestOptions = { signal?: AbortSignal };

/** `limit` defaults to the server's page size; `cursor` is the previous page's `nextCursor`. */
export type ConversationPageOptions = RequestOptions & { limit?: number; cursor?: string };

/** The messages just before message `before`; `limit` defaults to the server's page size. */
export type MessagePageOptions = RequestOptions & { before: string; limit?: number };

/** A 204 answer has no body. */
const NoContentSchema = z.undefined();

export type ApiClient = ReturnType<typeof createApiClient>;

/** URL of a stored screenshot, usable as an <img> src. */
export function artifactUrl(artifactId: string): string {
  return `/api/artifacts/${encodeURIComponent(artifactId)}`;
}

export function createApiClient({
  fetch: fetchImplementation = globalThis.fetch,
  timeoutMs = 20_000,
  postMessageTimeoutMs = 120_000,
}: ApiClientOptions = {}) {
  async function request<T>(
    path: string,
    schema: z.ZodType<T>,
    { method = 'GET', body, signal, timeout = timeoutMs }: { method?: string; body?: unknown; signal?: AbortSignal; timeout?: number },
  ): Promise<T> {
    const timeoutSignal = AbortSignal.timeout(timeout);
    let status = 0;
    let text: string;
    try {
      const response = await fetchImplementation(path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
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

    /** Replaces a proposed plan's steps; returns the new version, which takes the old one's place in its message. */
    async editPlan(planId: string, steps: Step[], options: RequestOptions = {}): Promise<PlanView> {
      const data = await request(`/api/plans/${encodeURIComponent(planId)}`, PlanResponseSchema, { ...options, method: 'PATCH', body: { steps } });
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
