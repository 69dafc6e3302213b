import { Router } from 'express';
import type { MessageResponse } from '../../../protocol/index.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import { ownerOf } from '../owner.ts';
import { parseId } from '../validate.ts';

export function messageRoutes({ chat }: { chat: ChatService }): Router {
  const router = Router();

  // Stops a reply being written; the reply then arrives as `stopped` with what it said so far.
  router.post('/:messageId/stop', async (request, response) => {
    const message = await chat.stopReply(ownerOf(response), parseId(request.params.messageId, 'message'));
    response.json({ message } satisfies MessageResponse);
  });

  return router;
}
