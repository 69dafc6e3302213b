import { z } from 'zod';
import {
  ApiErrorBodySchema,
  ConversationDetailResponseSchema,
  ConversationListResponseSchema,
  ConversationResponseSchema,
  MessagesResponseSchema,
  RunResponseSchema,
} from '../../protocol/index.ts';
import type { ChatMessage, Conversation, PostMessageBody, RunView } from '../../protocol/index.ts';
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
    /** Newest first. */
    async listConversations(options: RequestOptions = {}): Promise<Conversation[]> {
      const data = await request('/api/conversations', ConversationListResponseSchema, options);
      return data.conversations;
    },

    async createConversation(options: RequestOptions = {}): Promise<Conversation> {
      const data = await request('/api/conversations', ConversationResponseSchema, { ...options, method: 'POST', body: {} });
      return data.conversation;
    },

    getConversation(conversationId: string, options: RequestOptions = {}): Promise<{ conversation: Conversation; messages: ChatMessage[] }> {
      return request(`/api/conversations/${encodeURIComponent(conversationId)}`, ConversationDetailResponseSchema, options);
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

    async cancelRun(runId: string, options: RequestOptions = {}): Promise<RunView> {
      const data = await request(`/api/runs/${encodeURIComponent(runId)}/cancel`, RunResponseSchema, { ...options, method: 'POST' });
      return data.run;
    },
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
