import { useRef, useState } from 'react';
import { ConfirmDeleteDialog } from './confirm-delete-dialog.tsx';

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
      {confirming && (
        <ConfirmDeleteDialog
          title={`Delete “${title}”?`}
          description="Its messages, plans, runs and screenshots are deleted for good, and runs still going are stopped."
          deleteLabel="Delete conversation"
          onDelete={onDelete}
          onClose={close}
        />
      )}
    </>
  );
}
