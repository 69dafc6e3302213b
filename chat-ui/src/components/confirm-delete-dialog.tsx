import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ActionButton } from './action-button.tsx';

type ConfirmDeleteDialogProps = {
  /** The question: what goes. */
  title: ReactNode;
  /** What deleting it does, in a sentence. */
  description: string;
  /** The danger button's label, e.g. "Delete conversation". */
  deleteLabel: string;
  onDelete(): Promise<void>;
  /** The dialog closed: cancelled, or after the delete (the caller moves focus). */
  onClose(): void;
  testId?: string;
};

/** A modal that asks before something is deleted for good. */
export function ConfirmDeleteDialog({ title, description, deleteLabel, onDelete, onClose, testId }: ConfirmDeleteDialogProps) {
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
    <dialog
      ref={dialogRef}
      className="confirm-dialog"
      aria-labelledby={headingId}
      aria-describedby={descriptionId}
      onClose={onClose}
      {...(testId && { 'data-testid': testId })}
    >
      <h2 id={headingId} className="confirm-dialog-title">
        {title}
      </h2>
      <p id={descriptionId}>{description}</p>
      <div className="confirm-dialog-actions">
        <button type="button" ref={cancelRef} className="button button--quiet" onClick={() => dialogRef.current?.close()}>
          Cancel
        </button>
        <ActionButton label={deleteLabel} pendingLabel="Deleting…" action={onDelete} className="button button--danger" />
      </div>
    </dialog>
  );
}
