import { useState } from 'react';
import type { ReactNode } from 'react';
import { describeError } from '../api-error.ts';
import { RequestButton } from './request-button.tsx';

type ActionButtonProps = {
  /** May hold words for screen readers only, to tell apart buttons that look alike ("Delete" of each session). */
  label: ReactNode;
  /** Shown, disabled, while the action is under way. */
  pendingLabel: string;
  /** Shown, disabled, once the action succeeded; without it the button can be used again. */
  doneLabel?: string;
  action(): Promise<void>;
  /** Default: a quiet button. */
  className?: string;
};

/** A button that runs an action of its own (cancel, run again, delete) and keeps track of it. */
export function ActionButton({ label, pendingLabel, doneLabel, action, className }: ActionButtonProps) {
  const [phase, setPhase] = useState<'idle' | 'pending' | 'done'>('idle');
  const [error, setError] = useState<string | null>(null);
  const finished = phase === 'done' && doneLabel !== undefined;

  async function start() {
    setPhase('pending');
    setError(null);
    try {
      await action();
      setPhase('done');
    } catch (failure) {
      setPhase('idle');
      setError(describeError(failure));
    }
  }

  return (
    <RequestButton
      label={finished ? doneLabel : label}
      busyLabel={pendingLabel}
      busy={phase === 'pending'}
      disabled={finished}
      error={error}
      onClick={() => void start()}
      {...(className && { className })}
    />
  );
}
