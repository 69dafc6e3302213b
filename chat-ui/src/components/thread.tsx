import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatMessage, PlanView } from '../../../protocol/index.ts';
import type { LoadStatus } from '../conversation-state.ts';
import type { StreamedParts } from '../message-parts.ts';
import type { OlderMessages } from '../use-older-messages.ts';
import type { PlanActions } from '../use-plan-actions.ts';
import { useReadingPlace } from '../use-reading-place.ts';
import { MessageView } from './message-view.tsx';
import { RequestButton } from './request-button.tsx';
import { ScreenshotLightbox } from './screenshot-lightbox.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';

type ThreadProps = {
  messages: readonly ChatMessage[];
  /** What replies being written have said so far, by message id. */
  streams: ReadonlyMap<string, StreamedParts>;
  status: LoadStatus;
  problem: string | null;
  /** Whether the conversation has messages older than those shown. */
  hasOlder: boolean;
  older: OlderMessages;
  /** A message from this tab is being posted and planned. */
  planning: boolean;
  onRetry(): void;
  onStartNew(): void;
  actions: PlanActions;
};

/** Distance from the bottom, in pixels, within which the thread follows new content. */
const FOLLOW_THRESHOLD_PX = 80;
/** Distance from the top, in pixels, within which scrolling up loads older messages. */
const LOAD_OLDER_THRESHOLD_PX = 200;

export function Thread({ messages, streams, status, problem, hasOlder, older, planning, onRetry, onStartNew, actions }: ThreadProps) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [lightbox, setLightbox] = useState<LightboxImage | null>(null);
  const rememberPlace = useReadingPlace(scrollerRef, older.loading);
  // A run may be reported in a later message than the plan it executes.
  const plansById = useMemo(() => {
    const plans = new Map<string, PlanView>();
    for (const message of messages) for (const part of message.parts) if (part.type === 'data-plan') plans.set(part.data.id, part.data);
    return plans;
  }, [messages]);

  // Follows growth of any kind (new messages, steps, screenshots loading) while the reader is at the bottom.
  useEffect(() => {
    const scroller = scrollerRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const observer = new ResizeObserver(() => {
      if (following.current) scroller.scrollTop = scroller.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  const followToEnd = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    following.current = true;
    scroller.scrollTop = scroller.scrollHeight;
  }, []);

  // Sending is a request to see the answer, even from further up the thread.
  useEffect(() => {
    if (planning) followToEnd();
  }, [planning, followToEnd]);

  // So is running a plan again: its new run appears at the end.
  const cardActions = useMemo(
    (): PlanActions => ({
      ...actions,
      async runPlan(planId) {
        await actions.runPlan(planId);
        followToEnd();
      },
    }),
    [actions, followToEnd],
  );

  function loadOlder() {
    // Stay where the reader is, rather than following the end while the page comes in.
    following.current = false;
    rememberPlace();
    older.load();
  }

  function handleScroll() {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    following.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOW_THRESHOLD_PX;
    if (older.loading) rememberPlace();
    // After a failure, the button retries: scrolling should not send request after request.
    else if (hasOlder && !older.error && scroller.scrollTop < LOAD_OLDER_THRESHOLD_PX) loadOlder();
  }

  return (
    <div className="thread-scroller" ref={scrollerRef} onScroll={handleScroll}>
      <div className="thread" ref={contentRef}>
        {status === 'not-found' ? (
          <div className="notice">
            <h2>Conversation not found</h2>
            <p>{problem ?? 'It may have been deleted, or the link is incomplete.'}</p>
            <button type="button" className="button" onClick={onStartNew}>
              Start a new chat
            </button>
          </div>
        ) : status === 'error' ? (
          <div className="notice" role="alert">
            <h2>This conversation could not be loaded</h2>
            <p>{problem}</p>
            <button type="button" className="button" onClick={onRetry}>
              Try again
            </button>
          </div>
        ) : status === 'loading' && messages.length === 0 ? (
          <p className="thread-placeholder">Loading conversation…</p>
        ) : (
          <>
            {problem && (
              <p className="inline-error" role="alert">
                {problem}
              </p>
            )}
            {hasOlder && (
              <div className="thread-older">
                <RequestButton
                  label="Show older messages"
                  busyLabel="Loading older messages…"
                  busy={older.loading}
                  error={older.error}
                  onClick={loadOlder}
                />
              </div>
            )}
            {messages.length === 0 && !planning && <p className="thread-placeholder">No messages yet. Describe a task below.</p>}
            {messages.map((message) => (
              <MessageView
                key={message.id}
                message={message}
                streamed={streams.get(message.id)}
                plansById={plansById}
                actions={cardActions}
                onOpenScreenshot={setLightbox}
              />
            ))}
          </>
        )}
        <p className="planning" role="status">
          {planning ? 'skipper is reading your message…' : ''}
        </p>
      </div>
      {lightbox && <ScreenshotLightbox image={lightbox} onClose={() => setLightbox(null)} />}
    </div>
  );
}
