import { useRef } from 'react';
import { MAX_ATTACHMENT_BYTES } from '../../../protocol/index.ts';
import { formatBytes } from '../format-bytes.ts';
import type { Attachments } from '../use-attachments.ts';

/**
 * Files attached to the conversation, under the message box: "Attach files", each file with its
 * size and a button to remove it. The assistant can plan to upload them ("upload the report I attached").
 */
export function AttachmentBar({ attachments }: { attachments: Attachments }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const { files, sending, error } = attachments;

  return (
    <div className="attachments" data-testid="attachments">
      <div className="attachments-row">
        <button type="button" className="button button--quiet attach-button" onClick={() => inputRef.current?.click()}>
          <span aria-hidden="true">+</span> Attach files
        </button>
        <input
          ref={inputRef}
          type="file"
          multiple
          hidden
          data-testid="composer-attach"
          onChange={(event) => {
            attachments.attach([...(event.target.files ?? [])]);
            // Choosing the same file again must fire a change again.
            event.target.value = '';
          }}
        />
        {files?.length === 0 && sending.length === 0 && (
          <p className="attachments-note">Up to {formatBytes(MAX_ATTACHMENT_BYTES)} each; ask skipper to upload them into a page.</p>
        )}
        <ul className="attachment-list" aria-label="Attached files">
          {files?.map((file) => (
            <li key={file.id} className="attachment">
              <span className="attachment-name">{file.name}</span>
              <span className="attachment-size">{formatBytes(file.bytes)}</span>
              <button type="button" className="attachment-remove" aria-label={`Remove ${file.name}`} title="Remove" onClick={() => attachments.remove(file.id)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
          {sending.map((name, index) => (
            <li key={`sending-${index}`} className="attachment attachment--sending">
              <span className="attachment-name">{name}</span>
              <span className="attachment-size">sending…</span>
            </li>
          ))}
        </ul>
      </div>
      {error && (
        <div className="inline-error" role="alert">
          <p>{error}</p>
          {files === null && (
            <button type="button" className="button button--quiet" onClick={attachments.retry}>
              Try again
            </button>
          )}
        </div>
      )}
    </div>
  );
}
