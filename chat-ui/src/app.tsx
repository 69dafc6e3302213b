import { useCallback, useEffect, useRef, useState } from 'react';
import { commandExamples, type AttachmentView, type ChatMessage, type Conversation } from '../../protocol/index.ts';
import { createApiClient } from './api-client.ts';
import { ApiError } from './api-error.ts';
import { AttachmentsContext } from './attachments-context.ts';
import { AttachmentBar } from './components/attachment-bar.tsx';
import { AutoRunSwitch } from './components/auto-run-switch.tsx';
import { Composer } from './components/composer.tsx';
import { ConnectionStatus } from './components/connection-status.tsx';
import { ConversationList } from './components/conversation-list.tsx';
import { DeleteConversation } from './components/delete-conversation.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { SavedSessions } from './components/saved-sessions.tsx';
import { SlackLink } from './components/slack-link.tsx';
import { SchedulesLink } from './components/schedules-link.tsx';
import { SchedulesPageLoader } from './components/schedules-page-loader.tsx';
import { Thread } from './components/thread.tsx';
import { useAttachments } from './use-attachments.ts';
import { useConversation } from './use-conversation.ts';
import { useConversations } from './use-conversations.ts';
import { NEW_CONVERSATION_DRAFT, useDrafts } from './use-drafts.ts';
import { useLiveSocket } from './use-live-socket.ts';
import { usePlanActions } from './use-plan-actions.ts';
import { useReplyStreams } from './use-reply-streams.ts';
import { navigate, useRoute } from './use-route.ts';
import { useScheduleRoute } from './schedule-route.ts';
import { useSavedSessions } from './use-saved-sessions.ts';
import { useSendMessage } from './use-send-message.ts';
import { useStopReply } from './use-stop-reply.ts';

/** One empty list, so the files' context does not change with every render while none are listed. */
const NO_ATTACHMENTS: readonly AttachmentView[] = [];

export function App() {
  const [api] = useState(() => createApiClient());
  const { conversationId } = useRoute();
  // `/schedules` shows the Schedules page in place of a conversation.
  const scheduleRoute = useScheduleRoute();
  const { socket, connection } = useLiveSocket();
  const list = useConversations(api, socket);
  const conversation = useConversation({ conversationId, socket, api });
  const streams = useReplyStreams({ conversationId, socket });
  const drafts = useDrafts();
  const attachments = useAttachments(api, conversationId);
  const savedSessions = useSavedSessions(api);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const sidebarRef = useRef<HTMLElement>(null);
  const sidebarToggleRef = useRef<HTMLButtonElement>(null);
  const draftKey = conversationId ?? NEW_CONVERSATION_DRAFT;

  const { add: addConversation, refresh: refreshList, remove: removeConversation } = list;
  const { merge, applyRun, applyPlan, applyConversation } = conversation;
  const sender = useSendMessage({
    api,
    conversationId,
    drafts,
    onConversationCreated: addConversation,
    onMessages: useCallback((id: string, messages: readonly ChatMessage[]) => merge(id, messages), [merge]),
    // The server titles a conversation from its first message and moves it to the top.
    onSent: refreshList,
  });

  const planActions = usePlanActions({ api, applyPlan, applyRun });
  const reply = conversation.messages.findLast((message) => message.metadata.status === 'streaming');
  const stopper = useStopReply(api, reply?.id ?? null);

  const setAutoRun = useCallback(
    async (autoRun: boolean) => {
      if (conversationId !== null) applyConversation(await api.updateConversation(conversationId, { autoRun }));
    },
    [api, conversationId, applyConversation],
  );

  const startNewChat = useCallback(() => {
    navigate('/');
    setSidebarOpen(false);
    composerRef.current?.focus();
  }, []);

  const deleteConversation = useCallback(
    async (id: string) => {
      try {
        await api.deleteConversation(id);
      } catch (error) {
        // Deleted meanwhile, e.g. from another tab: what was asked for is done.
        if (!(ApiError.isInstance(error) && error.code === 'not-found')) throw error;
      }
      removeConversation(id);
      drafts.set(id, '');
      startNewChat();
    },
    [api, removeConversation, drafts, startNewChat],
  );

  // A reconnect may follow a long gap: the list can be stale too.
  useEffect(() => {
    if (connection === 'live') refreshList();
  }, [connection, refreshList]);

  const listed = list.conversations?.find((item: Conversation) => item.id === conversationId);
  const title = conversationId === null ? 'New chat' : (listed?.title || conversation.title || 'New chat');
  const heading = scheduleRoute ? 'Schedules' : title;
  const onSchedulesPage = scheduleRoute !== null;
  useEffect(() => {
    document.title = onSchedulesPage ? 'Schedules · skipper' : conversationId === null ? 'skipper' : `${title} · skipper`;
  }, [conversationId, title, onSchedulesPage]);

  useEffect(() => {
    if (!sidebarOpen) return;
    // On small screens the sidebar is a drawer: take focus into it, and let Escape close it.
    sidebarRef.current?.querySelector<HTMLElement>('a[aria-current], button')?.focus();
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeSidebar();
    };
    window.addEventListener('keydown', closeOnEscape);
    return () => window.removeEventListener('keydown', closeOnEscape);
  }, [sidebarOpen]);

  function closeSidebar() {
    setSidebarOpen(false);
    sidebarToggleRef.current?.focus();
  }

  function pickExample(prompt: string) {
    drafts.set(NEW_CONVERSATION_DRAFT, prompt);
    composerRef.current?.focus();
  }

  return (
    <div className={`app${sidebarOpen ? ' app--sidebar-open' : ''}`}>
      <aside id="sidebar" ref={sidebarRef} className="sidebar" aria-label="skipper">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          skipper
        </p>
        <SchedulesLink current={onSchedulesPage} onNavigate={() => setSidebarOpen(false)} />
        <ConversationList
          conversations={list.conversations}
          error={list.error}
          activeId={conversationId}
          onRetry={refreshList}
          onNewChat={startNewChat}
          onNavigate={() => setSidebarOpen(false)}
          more={list.more}
        />
        <SavedSessions state={savedSessions} />
        <SlackLink api={api} />
      </aside>
      {sidebarOpen && <button type="button" className="sidebar-backdrop" aria-label="Close conversations" onClick={closeSidebar} />}

      <main className="main">
        <header className="main-header">
          <button
            type="button"
            ref={sidebarToggleRef}
            className="button button--quiet sidebar-toggle"
            aria-expanded={sidebarOpen}
            aria-controls="sidebar"
            onClick={() => setSidebarOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span> Chats
          </button>
          <h1 className="main-title">{heading}</h1>
          {conversationId !== null && conversation.autoRun !== null && <AutoRunSwitch on={conversation.autoRun} onChange={setAutoRun} />}
          <ConnectionStatus state={connection} />
          {conversationId !== null && conversation.status === 'ready' && (
            <DeleteConversation title={title} onDelete={() => deleteConversation(conversationId)} />
          )}
        </header>

        {scheduleRoute ? (
          <SchedulesPageLoader api={api} openId={scheduleRoute.scheduleId} />
        ) : conversationId === null ? (
          <EmptyState examples={commandExamples(window.location.origin)} onPick={pickExample} />
        ) : (
          // The plan editor's upload steps choose among the conversation's attached files.
          <AttachmentsContext value={attachments.files ?? NO_ATTACHMENTS}>
            <Thread
              key={conversationId}
              messages={conversation.messages}
              streams={streams}
              status={conversation.status}
              problem={conversation.problem}
              hasOlder={conversation.hasOlder}
              older={conversation.older}
              planning={sender.sendingTo === conversationId}
              onRetry={conversation.retry}
              onStartNew={startNewChat}
              actions={planActions}
            />
          </AttachmentsContext>
        )}

        {/* The Schedules page has no message box. */}
        {!scheduleRoute && (
        <Composer
          value={drafts.get(draftKey)}
          onChange={(text) => {
            drafts.set(draftKey, text);
            if (sender.error) sender.clearError();
          }}
          onSend={(text) => void sender.send(text)}
          sending={sender.sending}
          replying={reply !== undefined}
          onStop={stopper.stop}
          stopping={stopper.stopping}
          disabledReason={conversation.status === 'not-found' ? 'This conversation does not exist; start a new chat to send a task.' : null}
          error={sender.error ?? stopper.error}
          inputRef={composerRef}
          attachments={conversationId !== null && conversation.status !== 'not-found' && <AttachmentBar attachments={attachments} />}
        />
        )}
      </main>
    </div>
  );
}
