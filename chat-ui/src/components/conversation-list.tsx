import type { Conversation } from '../../../protocol/index.ts';
import { formatFullTime, formatShortTime } from '../format-time.ts';
import type { MoreConversations } from '../use-conversations.ts';
import { conversationPath, followLink } from '../use-route.ts';
import { RequestButton } from './request-button.tsx';

type ConversationListProps = {
  conversations: Conversation[] | null;
  error: string | null;
  activeId: string | null;
  onRetry(): void;
  onNewChat(): void;
  /** After a conversation is picked, e.g. to close the drawer on small screens. */
  onNavigate(): void;
  more: MoreConversations;
};

export function ConversationList({ conversations, error, activeId, onRetry, onNewChat, onNavigate, more }: ConversationListProps) {
  return (
    <nav className="conversation-nav" aria-label="Conversations">
      <button type="button" className="button new-chat" onClick={onNewChat}>
        <span aria-hidden="true">+</span> New chat
      </button>
      {error && (
        <div className="inline-error" role="alert">
          <p>{error}</p>
          <button type="button" className="button button--quiet" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {conversations === null && !error && <p className="sidebar-note">Loading conversations…</p>}
      {conversations?.length === 0 && <p className="sidebar-note">Your conversations will appear here.</p>}
      {conversations && conversations.length > 0 && (
        <ul className="conversation-list">
          {conversations.map((conversation) => {
            const path = conversationPath(conversation.id);
            return (
              <li key={conversation.id}>
                <a
                  href={path}
                  className="conversation-link"
                  aria-current={conversation.id === activeId ? 'page' : undefined}
                  onClick={(event) => {
                    followLink(event, path);
                    onNavigate();
                  }}
                >
                  <span className="conversation-title">{conversation.title?.trim() || 'New chat'}</span>
                  <time dateTime={conversation.updatedAt} title={formatFullTime(conversation.updatedAt)}>
                    {formatShortTime(conversation.updatedAt)}
                  </time>
                </a>
              </li>
            );
          })}
          {more.available && (
            <li className="conversation-more">
              <RequestButton label="Show more" busyLabel="Loading…" busy={more.loading} error={more.error} onClick={more.load} />
            </li>
          )}
        </ul>
      )}
    </nav>
  );
}
