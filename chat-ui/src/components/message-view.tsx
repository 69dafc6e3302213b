import { Fragment, Suspense, lazy, memo } from 'react';
import type { ReactNode } from 'react';
import type { ChatMessage, PlanView, RunView } from '../../../protocol/index.ts';
import { formatFullTime, formatShortTime } from '../format-time.ts';
import { hasText, shownParts } from '../message-parts.ts';
import type { ShownPart, StreamedParts } from '../message-parts.ts';
import type { PlanActions } from '../use-plan-actions.ts';
import { ReplyFailure, StoppedMark, TypingIndicator } from './reply-status.tsx';
import { RunCard } from './run-card.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { ToolChip } from './tool-chip.tsx';
import { UsageLine } from './usage-line.tsx';

// The markdown renderer is a good part of the page's code: it loads apart, and text shows as written until it has.
const MarkdownText = lazy(() => import('./markdown.tsx'));

type MessageViewProps = {
  message: ChatMessage;
  /** What the message's chunks built so far, while it is being written. */
  streamed: StreamedParts | undefined;
  /** Every plan in the conversation, for runs reported apart from their plan. */
  plansById: ReadonlyMap<string, PlanView>;
  actions: PlanActions;
  onOpenScreenshot(image: LightboxImage): void;
};

type CardProps = Pick<MessageViewProps, 'plansById' | 'actions' | 'onOpenScreenshot'>;

/** Memoised: while a reply streams, the thread re-renders with every chunk, and only that reply changes. */
export const MessageView = memo(function MessageView({ message, streamed, ...cardProps }: MessageViewProps) {
  const author = message.role === 'user' ? 'You' : 'skipper';
  const { createdAt, status, error, usage } = message.metadata;
  const parts = shownParts(message, streamed);
  return (
    <article
      className={`message message--${message.role}`}
      data-testid="message"
      data-role={message.role}
      data-status={status}
      aria-label={`${author}, ${formatFullTime(createdAt)}`}
      aria-busy={status === 'streaming'}
    >
      <header className="message-header">
        <span className="message-author">{author}</span>
        <time dateTime={createdAt} title={formatFullTime(createdAt)}>
          {formatShortTime(createdAt)}
        </time>
      </header>
      <div className="message-body">
        {renderParts(message.role, parts, cardProps)}
        {status === 'streaming' && !hasText(parts) && <TypingIndicator />}
        {status === 'stopped' && <StoppedMark />}
        {status === 'failed' && <ReplyFailure error={error} />}
      </div>
      {usage && <UsageLine usage={usage} label="This reply used" />}
    </article>
  );
});

/**
 * Text in order (markdown for skipper, as typed for the person); tool calls as quiet chips; each
 * plan together with its run as one card; a run reported apart from its plan as a card of its own.
 */
function renderParts(role: ChatMessage['role'], parts: readonly ShownPart[], { plansById, ...cardActions }: CardProps): ReactNode[] {
  const planIds = new Set(parts.flatMap((part) => (part.type === 'data-plan' ? [part.data.id] : [])));
  const runForPlan = new Map<string, RunView>();
  for (const part of parts) {
    // The last run of a plan is the one to show.
    if (part.type === 'data-run' && planIds.has(part.data.planId)) runForPlan.set(part.data.planId, part.data);
  }

  return parts.map((part, index) => {
    switch (part.type) {
      case 'text': {
        if (part.text.trim() === '') return null;
        const plain = <p className="message-text">{part.text}</p>;
        if (role === 'user') return <Fragment key={`text-${index}`}>{plain}</Fragment>;
        return (
          <Suspense key={`text-${index}`} fallback={plain}>
            <MarkdownText text={part.text} />
          </Suspense>
        );
      }
      case 'reasoning':
        return (
          <details key={`reasoning-${index}`} className="reasoning">
            <summary>How skipper thought about it</summary>
            <p className="message-text">{part.text}</p>
          </details>
        );
      case 'tool':
        return <ToolChip key={part.toolCallId} call={part} />;
      case 'data-plan':
        // Keyed by place, not by plan id: an edited plan is a new version with a new id, in the same card.
        return <RunCard key={`plan-${index}`} plan={part.data} run={runForPlan.get(part.data.id)} {...cardActions} />;
      case 'data-run':
        return planIds.has(part.data.planId) ? null : <RunCard key={part.id} plan={plansById.get(part.data.planId)} run={part.data} {...cardActions} />;
    }
  });
}
