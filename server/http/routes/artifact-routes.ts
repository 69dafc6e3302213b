import { Router } from 'express';
import type { Store } from '../../store/store.ts';
import { SkipperError } from '../../errors/skipper-error.ts';
import { ownerOf } from '../owner.ts';
import { sendFile } from '../send-file.ts';
import { parseId } from '../validate.ts';

export function artifactRoutes({ store }: { store: Store }): Router {
  const router = Router();

  router.get('/:artifactId', async (request, response) => {
    const artifact = await store.artifacts.get(ownerOf(response), parseId(request.params.artifactId, 'artifact'));
    if (!artifact) throw SkipperError.notFound('artifact');
    // A file a site made the run download is served as a download, never shown in place.
    if (artifact.kind === 'download') {
      sendFile(response, { name: artifact.fileName ?? 'download', mimeType: artifact.mimeType, bytes: artifact.bytes }, { cache: 'private' });
      return;
    }
    // Artifacts never change once stored, but they are private to their owner.
    response.set({ 'Content-Type': artifact.mimeType, 'Cache-Control': 'private, max-age=31536000, immutable' });
    response.send(Buffer.from(artifact.bytes.buffer, artifact.bytes.byteOffset, artifact.bytes.byteLength));
  });

  return router;
}
