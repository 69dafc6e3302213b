import { Router } from 'express';
import type { CreatedRunResponse } from '../../../protocol/index.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import { ownerOf } from '../owner.ts';
import { parseId } from '../validate.ts';

export function planRoutes({ chat }: { chat: ChatService }): Router {
  const router = Router();

  // Runs the plan again, as "Run again" on a run card does.
  router.post('/:planId/run', async (request, response) => {
    const created = await chat.runPlan(ownerOf(response), parseId(request.params.planId, 'plan'));
    response.status(201).json(created satisfies CreatedRunResponse);
  });

  return router;
}
