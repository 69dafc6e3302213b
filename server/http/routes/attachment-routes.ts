import express, { Router } from 'express';
import type { z } from 'zod';
import {
  AttachmentQuerySchema,
  MAX_ATTACHMENT_BYTES,
  type AttachmentListResponseSchema,
  type AttachmentResponseSchema,
} from '../../../protocol/index.ts';
import { SkipperError } from '../../errors/skipper-error.ts';
import type { AttachmentService } from '../../files/attachment-service.ts';
import type { Store } from '../../store/store.ts';
import { bodySizeLimit } from '../body-size-limit.ts';
import { ownerOf } from '../owner.ts';
import { sendFile } from '../send-file.ts';
import { parseId, parseQuery } from '../validate.ts';

export type AttachmentRoutesOptions = { store: Store; attachments: AttachmentService };

/**
 * `/api/conversations/:id/attachments`: a file is sent as the raw body, whatever its type. Mounted
 * before the API's JSON parser and its 256 KB limit: an attachment may be up to MAX_ATTACHMENT_BYTES.
 */
export function conversationAttachmentRoutes({ store, attachments }: AttachmentRoutesOptions): Router {
  const router = Router();

  router.post(
    '/:conversationId/attachments',
    bodySizeLimit(MAX_ATTACHMENT_BYTES),
    express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES }),
    async (request, response) => {
      const ownerId = ownerOf(response);
      const conversationId = parseId(request.params.conversationId, 'conversation');
      // An unknown conversation is a 404, whatever else is wrong with the request.
      if (!(await store.conversations.get(ownerId, conversationId))) throw SkipperError.notFound('conversation');
      const { name } = parseQuery(AttachmentQuerySchema, request.query);
      // No body at all (neither Content-Length nor chunks) is an empty file.
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const attachment = await attachments.attach(ownerId, conversationId, { name, mimeType: request.headers['content-type'], bytes });
      response.status(201).json({ attachment } satisfies z.infer<typeof AttachmentResponseSchema>);
    },
  );

  router.get('/:conversationId/attachments', async (request, response) => {
    const list = await attachments.list(ownerOf(response), parseId(request.params.conversationId, 'conversation'));
    response.json({ attachments: list } satisfies z.infer<typeof AttachmentListResponseSchema>);
  });

  return router;
}

/** `/api/attachments/:id`: one attached file, to download or delete. */
export function attachmentRoutes({ attachments }: { attachments: AttachmentService }): Router {
  const router = Router();

  router.get('/:attachmentId', async (request, response) => {
    const { attachment, content } = await attachments.get(ownerOf(response), parseId(request.params.attachmentId, 'attachment'));
    sendFile(response, { name: attachment.name, mimeType: attachment.mimeType, bytes: content }, { cache: 'none' });
  });

  router.delete('/:attachmentId', async (request, response) => {
    await attachments.delete(ownerOf(response), parseId(request.params.attachmentId, 'attachment'));
    response.status(204).end();
  });

  return router;
}
