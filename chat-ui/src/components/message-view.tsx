import type { ReactNode } from 'react';
import type { ChatMessage, PlanView, RunView } from '../../../protocol/index.ts';
import { formatFullTime, formatShortTime } from '../format-time.ts';
import { RunCard } from './run-card.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';

type MessageViewProps = {
  message: ChatMessage;
  /** Every plan in the conversation, for runs reported apart from their plan. */
  plansById: ReadonlyMap<string, PlanView>;
  onCancelRun(runId: string): Promise<void>;
  onRunPlan(planId: string): Promise<void>;
  onOpenScreenshot(image: LightboxImage): void;
};

type CardActions = Pick<MessageViewProps, 'onCancelRun' | 'onRunPlan' | 'onOpenScreenshot'>;

export function MessageView({ message, plansById, ...actions }: MessageViewProps) {
  const author = message.role === 'user' ? 'You' : 'skipper';
  return (
    <article className={`message message--${message.role}`} data-testid="message" data-role={message.role} aria-label={`${author}, ${formatFullTime(message.metadata.createdAt)}`}>
      <header className="message-header">
        <span className="message-author">{author}</span>
        <time dateTime={message.metadata.createdAt} title={formatFullTime(message.metadata.createdAt)}>
          {formatShortTime(message.metadata.createdAt)}
        </time>
      </header>
      <div className="message-body">{renderParts(message, plansById, actions)}</div>
    </article>
  );
}

/** Text in order; each plan together with its run as one card; a run reported apart from its plan as a card of its own. */
function renderParts(message: ChatMessage, plansById: MessageViewProps['plansById'], actions: CardActions): ReactNode[] {
  const planIds = new Set(message.parts.flatMap((part) => (part.type === 'data-plan' ? [part.data.id] : [])));
  const runForPlan = new Map<string, RunView>();
  for (const part of message.parts) {
    // The last run of a plan is the one to show.
    if (part.type === 'data-run' && planIds.has(part.data.planId)) runForPlan.set(part.data.planId, part.data);
  }

  return message.parts.map((part, index) => {
    switch (part.type) {
      case 'text':
        return part.text.trim() === '' ? null : (
          <p key={`text-${index}`} className="message-text">
            {part.text}
          </p>
        );
      case 'data-plan':
        return <RunCard key={part.id} plan={part.data} run={runForPlan.get(part.data.id)} {...actions} />;
      case 'data-run':
        return planIds.has(part.data.planId) ? null : (
          <RunCard key={part.id} plan={plansById.get(part.data.planId)} run={part.data} {...actions} />
        );
    }
  });
}
