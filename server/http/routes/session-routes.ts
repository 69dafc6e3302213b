import { Router } from 'express';
import type { z } from 'zod';
import { SessionNameSchema, type SessionListResponseSchema } from '../../../protocol/index.ts';
import type { SessionService } from '../../sessions/session-service.ts';
import { ownerOf } from '../owner.ts';
import { parseParam } from '../validate.ts';

/** `/api/sessions`: the saved browser sessions, listed (never their cookies or storage) and deleted. */
export function sessionRoutes({ sessions }: { sessions: SessionService }): Router {
  const router = Router();

  router.get('/', async (_request, response) => {
    response.json({ sessions: await sessions.list(ownerOf(response)) } satisfies z.infer<typeof SessionListResponseSchema>);
  });

  router.delete('/:name', async (request, response) => {
    await sessions.delete(ownerOf(response), parseParam(SessionNameSchema, request.params.name, 'session name'));
    response.status(204).end();
  });

  return router;
}
