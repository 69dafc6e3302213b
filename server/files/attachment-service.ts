import type { AttachmentView } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Store } from '../store/store.ts';
import { safeMimeType } from './mime-type.ts';
import { uploadedFiles } from './plan-attachments.ts';
import { safeFileName } from './safe-file-name.ts';

/** A stored file with its content. */
export type AttachmentFile = { attachment: AttachmentView; content: Uint8Array };

export type AttachmentService = {
  /**
   * Attaches a file to a conversation: its name cut to a safe base name (`invalid-request` if
   * none is left), its type to a plain media type (else application/octet-stream).
   */
  attach(ownerId: string, conversationId: string, file: { name: string; mimeType?: string; bytes: Uint8Array }): Promise<AttachmentView>;
  /** The conversation's attachments, oldest first. */
  list(ownerId: string, conversationId: string): Promise<AttachmentView[]>;
  get(ownerId: string, attachmentId: string): Promise<AttachmentFile>;
  delete(ownerId: string, attachmentId: string): Promise<void>;
  /**
   * A file for a runner's upload step: only to the runner holding that attempt of that run, and
   * only a file of the run's conversation that an upload step of its plan sets. Anything else is
   * `not-found`, whichever condition failed, so a runner learns nothing about other files.
   */
  forRunner(input: { runnerId: string; runId: string; attempt: number; attachmentId: string }): Promise<AttachmentFile>;
};

/** Files people attach to conversations, for upload steps. */
export function createAttachmentService({ store }: { store: Store }): AttachmentService {
  const notFound = () => SkipperError.notFound('attachment');

  return {
    async attach(ownerId, conversationId, { name, mimeType, bytes }) {
      const safeName = safeFileName(name);
      if (!safeName) throw new SkipperError('invalid-request', `${JSON.stringify(name.slice(0, 100))} is not a usable file name: give the file's name, such as report.pdf.`);
      const attachment = await store.attachments.create(ownerId, conversationId, { name: safeName, mimeType: safeMimeType(mimeType), bytes });
      if (!attachment) throw SkipperError.notFound('conversation');
      return attachment;
    },

    async list(ownerId, conversationId) {
      const attachments = await store.attachments.list(ownerId, conversationId);
      if (!attachments) throw SkipperError.notFound('conversation');
      return attachments;
    },

    async get(ownerId, attachmentId) {
      const found = await store.attachments.get(ownerId, attachmentId);
      if (!found) throw notFound();
      return found;
    },

    async delete(ownerId, attachmentId) {
      if (!(await store.attachments.delete(ownerId, attachmentId))) throw notFound();
    },

    async forRunner({ runnerId, runId, attempt, attachmentId }) {
      const held = await store.queue.heldRun({ runnerId, runId, attempt });
      if (!held) throw notFound();
      const plan = await store.plans.get(held.ownerId, held.planId);
      if (!plan || !uploadedFiles(plan.steps).some((file) => file.id === attachmentId)) throw notFound();
      const found = await store.attachments.get(held.ownerId, attachmentId);
      if (!found || found.conversationId !== held.conversationId) throw notFound();
      return found;
    },
  };
}
