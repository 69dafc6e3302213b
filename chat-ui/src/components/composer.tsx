import { useId } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode, Ref } from 'react';

type ComposerProps = {
  value: string;
  onChange(text: string): void;
  onSend(text: string): void;
  sending: boolean;
  /** A reply in this conversation is being written: the send button becomes Stop. */
  replying: boolean;
  onStop(): void;
  stopping: boolean;
  /** Why the composer cannot be used right now, e.g. the conversation does not exist. */
  disabledReason: string | null;
  error: string | null;
  inputRef: Ref<HTMLTextAreaElement>;
  /** The conversation's attached files and the button to attach more, under the box. */
  attachments: ReactNode;
};

/**
 * Enter sends, Shift+Enter starts a new line. The text stays in the box until the server has it.
 * While skipper writes a reply, the box can be typed in but not sent, and Stop ends the reply.
 */
export function Composer({ value, onChange, onSend, sending, replying, onStop, stopping, disabledReason, error, inputRef, attachments }: ComposerProps) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const canSend = !sending && !replying && disabledReason === null && value.trim() !== '';

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (canSend) onSend(value);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter also confirms a word in an input method editor (Japanese, Chinese...).
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form className="composer" onSubmit={submit} aria-busy={sending}>
      <label htmlFor={inputId} className="visually-hidden">
        Describe a task for skipper
      </label>
      <div className="composer-box">
        <textarea
          id={inputId}
          ref={inputRef}
          data-testid="composer-input"
          className="composer-input"
          rows={2}
          value={value}
          placeholder='Describe a task, e.g. go to a page, click "Sign in", take a screenshot'
          // Read-only rather than disabled while sending, so focus and the text stay put.
          readOnly={sending}
          disabled={disabledReason !== null}
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          aria-invalid={error ? true : undefined}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={handleKeyDown}
        />
        {replying ? (
          <button type="button" className="button composer-send composer-stop" data-testid="composer-stop" disabled={stopping} onClick={onStop}>
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button type="submit" className="button composer-send" data-testid="composer-send" disabled={!canSend}>
            {sending ? 'Sending…' : 'Send'}
          </button>
        )}
      </div>
      {attachments}
      <p id={hintId} className="composer-hint">
        {disabledReason ??
          (replying ? (
            'skipper is writing a reply. Stop ends it and keeps what it wrote.'
          ) : (
            <>
              <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
            </>
          ))}
      </p>
      {error && (
        <p id={errorId} className="inline-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
