import { useEffect, useId, useRef, useState } from 'react';
import { ActionButton } from './action-button.tsx';

type DeleteConversationProps = {
  /** Named in the confirmation, so the person knows which conversation goes. */
  title: string;
  onDelete(): Promise<void>;
};

/** The header's "Delete" button, and the dialog that asks before anything is deleted. */
export function DeleteConversation({ title, onDelete }: DeleteConversationProps) {
  const [confirming, setConfirming] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);

  function close() {
    setConfirming(false);
    openerRef.current?.focus();
  }

  return (
    <>
      <button type="button" ref={openerRef} className="button button--quiet header-action" onClick={() => setConfirming(true)}>
        Delete
      </button>
      {confirming && <ConfirmDeleteDialog title={title} onDelete={onDelete} onClose={close} />}
    </>
  );
}

function ConfirmDeleteDialog({ title, onDelete, onClose }: DeleteConversationProps & { onClose(): void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // Cancel first: Enter on a freshly opened confirmation should not delete anything.
    cancelRef.current?.focus();
  }, []);

  return (
    <dialog ref={dialogRef} className="confirm-dialog" aria-labelledby={headingId} aria-describedby={descriptionId} onClose={onClose}>
      <h2 id={headingId} className="confirm-dialog-title">
        Delete “{title}”?
      </h2>
      <p id={descriptionId}>Its messages, plans, runs and screenshots are deleted for good, and runs still going are stopped.</p>
      <div className="confirm-dialog-actions">
        <button type="button" ref={cancelRef} className="button button--quiet" onClick={() => dialogRef.current?.close()}>
          Cancel
        </button>
        <ActionButton label="Delete conversation" pendingLabel="Deleting…" action={onDelete} className="button button--danger" />
      </div>
    </dialog>
  );
}
