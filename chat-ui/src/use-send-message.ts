import { useCallback, useRef, useState } from 'react';
import type { ChatMessage, Conversation } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { describeError } from './api-error.ts';
import { randomId } from './random-id.ts';
import type { Drafts } from './use-drafts.ts';
import { NEW_CONVERSATION_DRAFT } from './use-drafts.ts';
import { conversationPath, navigate } from './use-route.ts';

export type SendMessageOptions = {
  api: ApiClient;
  /** The open conversation; null on `/`, where sending creates one first. */
  conversationId: string | null;
  drafts: Drafts;
  onConversationCreated(conversation: Conversation): void;
  onMessages(conversationId: string, messages: readonly ChatMessage[]): void;
  onSent(): void;
};

export type MessageSender = {
  send(text: string): Promise<void>;
  sending: boolean;
  /** Draft key of the conversation a send is going to, while one is under way. */
  sendingTo: string | null;
  /** Why the last send from the open conversation's composer failed. */
  error: string | null;
  clearError(): void;
};

type PendingSend = { draftKey: string; text: string; clientMessageId: string };

/** Posts the composer's text. The draft is cleared only once the server has stored the message. */
export function useSendMessage({ api, conversationId, drafts, onConversationCreated, onMessages, onSent }: SendMessageOptions): MessageSender {
  const [sendingTo, setSendingTo] = useState<string | null>(null);
  const sending = sendingTo !== null;
  const [failure, setFailure] = useState<{ draftKey: string; message: string } | null>(null);
  // Retrying the same text reuses its id, so a send whose answer was lost is not stored twice.
  const pending = useRef<PendingSend | null>(null);
  const draftKey = conversationId ?? NEW_CONVERSATION_DRAFT;

  const send = useCallback(
    async (text: string) => {
      if (sending || text.trim() === '') return;
      let key = draftKey;
      setSendingTo(key);
      setFailure(null);
      const previous = pending.current;
      const clientMessageId = previous?.draftKey === key && previous.text === text ? previous.clientMessageId : randomId();
      pending.current = { draftKey: key, text, clientMessageId };
      try {
        let targetId = conversationId;
        if (targetId === null) {
          const conversation = await api.createConversation();
          targetId = conversation.id;
          drafts.move(key, targetId);
          key = targetId;
          setSendingTo(key);
          pending.current = { draftKey: key, text, clientMessageId };
          onConversationCreated(conversation);
          navigate(conversationPath(targetId));
        }
        const messages = await api.postMessage(targetId, { text, clientMessageId });
        pending.current = null;
        drafts.set(key, '');
        onMessages(targetId, messages);
        onSent();
      } catch (error) {
        setFailure({ draftKey: key, message: describeError(error) });
      } finally {
        setSendingTo(null);
      }
    },
    [api, conversationId, draftKey, drafts, onConversationCreated, onMessages, onSent, sending],
  );

  const clearError = useCallback(() => setFailure(null), []);
  return { send, sending, sendingTo, error: failure?.draftKey === draftKey ? failure.message : null, clearError };
}
