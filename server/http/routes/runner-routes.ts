import { Router } from 'express';
import { z } from 'zod';
import { SkipperError } from '../../errors/skipper-error.ts';
import type { AttachmentService } from '../../files/attachment-service.ts';
import { sendFile } from '../send-file.ts';
import { parseId, parseQuery } from '../validate.ts';

/** `GET /api/runner/attachments/:id?runId=&attempt=`: which attempt of which run the file is for. */
const RunnerAttachmentQuerySchema = z.strictObject({ runId: z.uuid(), attempt: z.coerce.number().int().min(1).max(1_000_000) });

export type RunnerRoutesOptions = {
  attachments: AttachmentService;
  /** Whether an Authorization header carries the runner token (compared in constant time). */
  isRunner(authorization: string | undefined): boolean;
};

/**
 * What runners fetch over HTTP: the files of upload steps. A runner authenticates with the runner
 * token and names itself (`X-Runner-Id`); it gets a file only for a run it holds whose plan uploads it.
 */
export function runnerRoutes({ attachments, isRunner }: RunnerRoutesOptions): Router {
  const router = Router();

  router.get('/attachments/:attachmentId', async (request, response) => {
    if (!isRunner(request.headers.authorization)) {
      response.set('WWW-Authenticate', 'Bearer');
      throw new SkipperError('unauthorized', 'A valid runner token is required.');
    }
    const attachmentId = parseId(request.params.attachmentId, 'attachment');
    const runnerId = parseId(request.headers['x-runner-id'], 'runner');
    const { runId, attempt } = parseQuery(RunnerAttachmentQuerySchema, request.query);
    const { attachment, content } = await attachments.forRunner({ runnerId, runId, attempt, attachmentId });
    sendFile(response, { name: attachment.name, mimeType: attachment.mimeType, bytes: content }, { cache: 'none' });
  });

  return router;
}
