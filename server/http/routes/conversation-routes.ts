import { Router } from 'express';
import {
  ConversationListQuerySchema,
  CreateConversationBodySchema,
  DEFAULT_PAGE_SIZE,
  MessagePageQuerySchema,
  PostMessageBodySchema,
  UpdateConversationBodySchema,
  type ConversationDetailResponse,
  type ConversationListResponse,
  type ConversationResponse,
  type MessagePageResponse,
  type MessagesResponse,
} from '../../../protocol/index.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import { SkipperError } from '../../errors/skipper-error.ts';
import type { Store } from '../../store/store.ts';
import { ownerOf } from '../owner.ts';
import { parseBody, parseId, parseQuery } from '../validate.ts';

export function conversationRoutes({ store, chat }: { store: Store; chat: ChatService }): Router {
  const router = Router();

  router.get('/', async (request, response) => {
    const query = parseQuery(ConversationListQuerySchema, request.query);
    const page = await store.conversations.list(ownerOf(response), query);
    response.json(page satisfies ConversationListResponse);
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
      store.messages.page(ownerId, conversationId, { limit: DEFAULT_PAGE_SIZE }),
    ]);
    if (!conversation || !thread) throw SkipperError.notFound('conversation');
    response.json({ conversation, ...thread } satisfies ConversationDetailResponse);
  });

  router.patch('/:conversationId', async (request, response) => {
    const body = parseBody(UpdateConversationBodySchema, request.body);
    const conversation = await chat.updateConversation(ownerOf(response), parseId(request.params.conversationId, 'conversation'), body);
    response.json({ conversation } satisfies ConversationResponse);
  });

  router.delete('/:conversationId', async (request, response) => {
    await chat.deleteConversation(ownerOf(response), parseId(request.params.conversationId, 'conversation'));
    response.status(204).end();
  });

  router.get('/:conversationId/messages', async (request, response) => {
    const conversationId = parseId(request.params.conversationId, 'conversation');
    const query = parseQuery(MessagePageQuerySchema, request.query);
    const page = await store.messages.page(ownerOf(response), conversationId, query);
    if (!page) throw SkipperError.notFound('conversation');
    response.json(page satisfies MessagePageResponse);
  });

  router.post('/:conversationId/messages', async (request, response) => {
    const conversationId = parseId(request.params.conversationId, 'conversation');
    const body = parseBody(PostMessageBodySchema, request.body);
    const messages = await chat.postMessage(ownerOf(response), conversationId, body);
    response.status(201).json({ messages } satisfies MessagesResponse);
  });

  return router;
}
