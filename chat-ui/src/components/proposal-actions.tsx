import type { Ref } from 'react';
import { ActionButton } from './action-button.tsx';

type ProposalActionsProps = {
  onRun(): Promise<void>;
  onEdit(): void;
  onDiscard(): Promise<void>;
  /** Gets focus back when editing ends. */
  editRef: Ref<HTMLButtonElement>;
};

/** What a person decides about a proposed plan: run it as it is, edit it first, or set it aside. */
export function ProposalActions({ onRun, onEdit, onDiscard, editRef }: ProposalActionsProps) {
  return (
    <div className="card-actions">
      {/* Stays disabled once started: the run arrives in this card, and the plan can run only once. */}
      <ActionButton label="Run" pendingLabel="Starting…" doneLabel="Starting…" action={onRun} className="button" />
      <button type="button" ref={editRef} className="button button--quiet" onClick={onEdit}>
        Edit
      </button>
      <ActionButton label="Discard" pendingLabel="Discarding…" action={onDiscard} />
    </div>
  );
}
