import type { ErrorInfo } from '../../../protocol/index.ts';

/** Shown while a reply is being written and has said nothing yet. */
export function TypingIndicator() {
  return (
    <p className="typing" role="status" data-testid="typing">
      <span className="typing-dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span className="visually-hidden">skipper is writing…</span>
    </p>
  );
}

/** Marks a reply the person stopped; what it said so far stays above. */
export function StoppedMark() {
  return (
    <p className="reply-stopped" data-testid="reply-stopped">
      Stopped
    </p>
  );
}

/** Why a reply could not be finished, in the server's words, which are written for people. */
export function ReplyFailure({ error }: { error: ErrorInfo | undefined }) {
  return (
    <div className="reply-failure" role="alert" data-testid="reply-failure">
      <p className="reply-failure-title">skipper couldn’t finish this reply</p>
      <p>{error?.message ?? 'Something went wrong while it was being written. Send your message again.'}</p>
    </div>
  );
}
