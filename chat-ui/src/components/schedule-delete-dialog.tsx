import { useEffect, useId, useRef } from 'react';
import { ActionButton } from './action-button.tsx';

type ScheduleDeleteDialogProps = {
  name: string;
  onDelete(): Promise<void>;
  /** The dialog closed: cancelled, or after the delete (the caller moves focus). */
  onClose(): void;
};

/** Asks before a schedule is deleted; Cancel has focus, so Enter deletes nothing. */
export function ScheduleDeleteDialog({ name, onDelete, onClose }: ScheduleDeleteDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
  }, []);

  return (
    <dialog
      ref={dialogRef}
      className="confirm-dialog"
      aria-labelledby={headingId}
      aria-describedby={descriptionId}
      onClose={onClose}
      data-testid="schedule-delete-dialog"
    >
      <h2 id={headingId} className="confirm-dialog-title">
        Delete the schedule “{name}”?
      </h2>
      <p id={descriptionId}>It will not run again. Its conversation, with the runs it already made, stays.</p>
      <div className="confirm-dialog-actions">
        <button type="button" ref={cancelRef} className="button button--quiet" onClick={() => dialogRef.current?.close()}>
          Cancel
        </button>
        <ActionButton label="Delete schedule" pendingLabel="Deleting…" action={onDelete} className="button button--danger" />
      </div>
    </dialog>
  );
}
