import type { ReactNode } from 'react';

type RequestButtonProps = {
  label: ReactNode;
  /** Shown, disabled, while the request is under way. */
  busyLabel: string;
  busy: boolean;
  /** Why the last request failed, shown beneath; pressing the button again retries. */
  error: string | null;
  onClick(): void;
  disabled?: boolean;
  /** Default: a quiet button. */
  className?: string;
};

/** A button that sends a request: it says so while the request is under way, and shows why it failed beneath. */
export function RequestButton({ label, busyLabel, busy, error, onClick, disabled = false, className = 'button button--quiet' }: RequestButtonProps) {
  return (
    <>
      <button type="button" className={className} disabled={busy || disabled} onClick={onClick}>
        {busy ? busyLabel : label}
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
