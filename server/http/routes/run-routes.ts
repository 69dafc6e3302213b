import { Router } from 'express';
import { CreateRunBodySchema, type CreatedRunResponse, type RunDetailResponse, type RunResponse } from '../../../protocol/index.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import type { RunDispatcher } from '../../runs/run-dispatcher.ts';
import type { Store } from '../../store/store.ts';
import { ApiError } from '../api-error.ts';
import { ownerOf } from '../owner.ts';
import { requestContext } from '../request-context.ts';
import { parseBody, parseId } from '../validate.ts';

export type RunRoutesOptions = { store: Store; chat: ChatService; dispatcher: RunDispatcher; publicUrl?: string };

export function runRoutes({ store, chat, dispatcher, publicUrl }: RunRoutesOptions): Router {
  const router = Router();

  router.post('/', async (request, response) => {
    const body = parseBody(CreateRunBodySchema, request.body);
    const created = await chat.createRun(ownerOf(response), body, requestContext(request, publicUrl));
    response.status(201).json(created satisfies CreatedRunResponse);
  });

  router.get('/:runId', async (request, response) => {
    const found = await store.runs.get(ownerOf(response), parseId(request.params.runId, 'run'));
    if (!found) throw ApiError.notFound('run');
    response.json(found satisfies RunDetailResponse);
  });

  router.post('/:runId/cancel', async (request, response) => {
    const run = await dispatcher.cancel(ownerOf(response), parseId(request.params.runId, 'run'));
    if (!run) throw ApiError.notFound('run');
    response.json({ run } satisfies RunResponse);
  });

  return router;
}
