import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { ApiError, describeError } from './api-error.ts';
import { describeTooBig } from './attachment-size.ts';

export type Attachments = {
  /** The open conversation's attached files; null until they are listed, or with no conversation open. */
  files: readonly AttachmentView[] | null;
  /** Names of the files being sent now. */
  sending: readonly string[];
  /** Why listing, sending or removing failed last, in words for people. */
  error: string | null;
  /** Sends the files one after another; a file over the size limit is refused before it is sent. */
  attach(files: readonly File[]): void;
  remove(attachmentId: string): void;
  /** Lists the files again after listing them failed. */
  retry(): void;
};

/** The files attached to the open conversation, which the assistant can plan `upload` steps with. */
export function useAttachments(api: ApiClient, conversationId: string | null): Attachments {
  const [listed, setListed] = useState<{ conversationId: string; files: AttachmentView[] } | null>(null);
  const [sending, setSending] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loadCount, setLoadCount] = useState(0);
  // Files sent for a conversation the person has since left must not show up in the one now open.
  const openId = useRef(conversationId);

  useEffect(() => {
    openId.current = conversationId;
    setError(null);
    setSending([]);
    if (conversationId === null) return;
    const controller = new AbortController();
    api.listAttachments(conversationId, { signal: controller.signal }).then(
      (files) => setListed({ conversationId, files }),
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(`The attached files could not be listed. ${describeError(reason)}`);
      },
    );
    return () => controller.abort();
  }, [api, conversationId, loadCount]);

  const attach = useCallback(
    (files: readonly File[]) => {
      if (conversationId === null) return;
      const checked = files.map((file) => ({ file, tooBig: describeTooBig(file) }));
      const tooBig = checked.flatMap(({ tooBig }) => (tooBig === undefined ? [] : [tooBig]));
      const fitting = checked.flatMap(({ file, tooBig }) => (tooBig === undefined ? [file] : []));
      setError(tooBig.length > 0 ? tooBig.join(' ') : null);
      void (async () => {
        for (const file of fitting) {
          if (openId.current === conversationId) setSending((names) => [...names, file.name]);
          try {
            const attachment = await api.attachFile(conversationId, file);
            if (openId.current === conversationId) {
              setListed((current) => ({ conversationId, files: [...(current?.conversationId === conversationId ? current.files : []), attachment] }));
            }
          } catch (reason) {
            if (openId.current === conversationId) setError(`“${file.name}” could not be attached. ${describeError(reason)}`);
          } finally {
            setSending((names) => names.filter((_name, index) => index !== names.indexOf(file.name)));
          }
        }
      })();
    },
    [api, conversationId],
  );

  const remove = useCallback(
    (attachmentId: string) => {
      setError(null);
      const drop = () => setListed((current) => current && { ...current, files: current.files.filter((file) => file.id !== attachmentId) });
      api.removeAttachment(attachmentId).then(drop, (reason: unknown) => {
        // Removed meanwhile, e.g. from another tab: what was asked for is done.
        if (ApiError.isInstance(reason) && reason.code === 'not-found') drop();
        else setError(`The file could not be removed. ${describeError(reason)}`);
      });
    },
    [api],
  );

  const retry = useCallback(() => setLoadCount((count) => count + 1), []);
  return { files: listed?.conversationId === conversationId ? listed.files : null, sending, error, attach, remove, retry };
}
