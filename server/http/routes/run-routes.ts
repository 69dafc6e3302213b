import { Router } from 'express';
import { CreateRunBodySchema, type CreatedRunResponse, type RunDetailResponse, type RunResponse } from '../../../protocol/index.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import { SkipperError } from '../../errors/skipper-error.ts';
import type { RunService } from '../../runs/run-service.ts';
import type { Store } from '../../store/store.ts';
import { ownerOf } from '../owner.ts';
import { parseBody, parseId } from '../validate.ts';

export type RunRoutesOptions = { store: Store; chat: ChatService; runs: RunService };

export function runRoutes({ store, chat, runs }: RunRoutesOptions): Router {
  const router = Router();

  router.post('/', async (request, response) => {
    const body = parseBody(CreateRunBodySchema, request.body);
    const created = await chat.createRun(ownerOf(response), body);
    response.status(201).json(created satisfies CreatedRunResponse);
  });

  router.get('/:runId', async (request, response) => {
    const found = await store.runs.get(ownerOf(response), parseId(request.params.runId, 'run'));
    if (!found) throw SkipperError.notFound('run');
    response.json(found satisfies RunDetailResponse);
  });

  router.post('/:runId/cancel', async (request, response) => {
    const run = await runs.cancel(ownerOf(response), parseId(request.params.runId, 'run'));
    response.json({ run } satisfies RunResponse);
  });

  return router;
}
