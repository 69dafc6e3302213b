import type { Step } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Store } from '../store/store.ts';

/** The attachment ids the plan's upload steps set, with where each is named. */
export function uploadedFiles(steps: readonly Step[]): { id: string; path: string }[] {
  return steps.flatMap((step, index) =>
    step.type === 'upload' ? step.files.map((id, file) => ({ id, path: `steps.${index}.files.${file}` })) : [],
  );
}

/**
 * Refuses a plan whose upload steps set a file that is not attached to its conversation (a plan
 * without a conversation yet has none): `invalid-request`, naming the first unknown id.
 */
export async function assertAttachedFiles(store: Store, ownerId: string, conversationId: string | undefined, steps: readonly Step[]): Promise<void> {
  const files = uploadedFiles(steps);
  if (files.length === 0) return;
  const attached = new Set(conversationId ? ((await store.attachments.list(ownerId, conversationId)) ?? []).map((file) => file.id) : []);
  const unknown = files.filter((file) => !attached.has(file.id));
  if (unknown.length === 0) return;
  throw new SkipperError(
    'invalid-request',
    `The plan uploads ${unknown[0]!.id}, which is not a file attached to this conversation. ` +
      'Attach the file to the conversation first (POST /api/conversations/:id/attachments) and use the id it gets.',
    { issues: unknown.map((file) => ({ path: file.path, message: `${file.id} is not attached to this conversation` })) },
  );
}
