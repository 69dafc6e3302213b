import { Router } from 'express';
import {
  CreateConversationBodySchema,
  PostMessageBodySchema,
  type ConversationDetailResponse,
  type ConversationListResponse,
  type ConversationResponse,
  type MessagesResponse,
} from '../../../protocol/index.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../api-error.ts';
import { ownerOf } from '../owner.ts';
import { requestContext } from '../request-context.ts';
import { parseBody, parseId } from '../validate.ts';

export function conversationRoutes({ store, chat, publicUrl }: { store: Store; chat: ChatService; publicUrl?: string }): Router {
  const router = Router();

  router.get('/', async (_request, response) => {
    response.json({ conversations: await store.conversations.list(ownerOf(response)) } satisfies ConversationListResponse);
  });

  router.post('/', async (request, response) => {
    const body = parseBody(CreateConversationBodySchema, request.body ?? {});
    const conversation = await store.conversations.create(ownerOf(response), body);
    response.status(201).json({ conversation } satisfies ConversationResponse);
  });

  router.get('/:conversationId', async (request, response) => {
    const ownerId = ownerOf(response);
    const conversationId = parseId(request.params.conversationId, 'conversation');
    const [conversation, thread] = await Promise.all([
      store.conversations.get(ownerId, conversationId),
      store.conversations.messages(ownerId, conversationId),
    ]);
    if (!conversation || !thread) throw ApiError.notFound('conversation');
    response.json({ conversation, messages: thread.messages } satisfies ConversationDetailResponse);
  });

  router.post('/:conversationId/messages', async (request, response) => {
    const conversationId = parseId(request.params.conversationId, 'conversation');
    const body = parseBody(PostMessageBodySchema, request.body);
    const messages = await chat.postMessage(ownerOf(response), conversationId, body, requestContext(request, publicUrl));
    response.status(201).json({ messages } satisfies MessagesResponse);
  });

  return router;
}
