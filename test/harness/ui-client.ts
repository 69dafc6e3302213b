import { WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  UiServerMessageSchema,
  type ChatMessage,
  type MessageChunk,
  type RunView,
  type UiServerMessage,
} from '../../protocol/index.ts';
import { createGrowingList } from './growing-list.ts';

export type UiClient = {
  socket: WebSocket;
  received: UiServerMessage[];
  sendRaw(data: string | Buffer): void;
  send(message: object): void;
  /** Resolves with the first message (already received or future) matching `predicate`. */
  waitFor(predicate: (message: UiServerMessage) => boolean, timeoutMs?: number): Promise<UiServerMessage>;
  /** Subscribes and resolves with the snapshot. */
  subscribe(conversationId: string): Promise<Extract<UiServerMessage, { type: 'conversation-snapshot' }>>;
  /** Resolves when the run reaches a state matching `predicate`, as seen through the socket. */
  waitForRun(runId: string, predicate: (run: RunView) => boolean, timeoutMs?: number): Promise<RunView>;
  /** Resolves with the first version of a message (from a snapshot or an upsert) matching `predicate`. */
  waitForMessage(predicate: (message: ChatMessage) => boolean, timeoutMs?: number): Promise<ChatMessage>;
  /** The `message-chunk` frames received for a message, in arrival order. */
  chunksOf(messageId: string): MessageChunk[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
};

export function runOf(message: ChatMessage): RunView | undefined {
  return message.parts.find((part) => part.type === 'data-run')?.data;
}

function chatMessagesIn(message: UiServerMessage): ChatMessage[] {
  if (message.type === 'conversation-snapshot') return message.messages;
  return message.type === 'message-upsert' ? [message.message] : [];
}

/** A browser-like client of `/ws`: it validates everything the server sends. */
export async function connectUi(baseUrl: string, options: { origin?: string; hello?: boolean } = {}): Promise<UiClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { ...(options.origin && { origin: options.origin }) });
  const received = createGrowingList<UiServerMessage>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('message', (data) => {
    received.push(UiServerMessageSchema.parse(JSON.parse(data.toString())));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  function waitFor(predicate: (message: UiServerMessage) => boolean, timeoutMs = 30_000): Promise<UiServerMessage> {
    return received.waitFor(predicate, {
      timeoutMs,
      describe: () => `no matching message; last received: ${JSON.stringify(received.items.slice(-2)).slice(0, 2000)}`,
    });
  }

  const client: UiClient = {
    socket,
    received: received.items,
    sendRaw: (data) => socket.send(data),
    send: (message) => socket.send(JSON.stringify(message)),
    waitFor,
    async subscribe(conversationId) {
      client.send({ type: 'subscribe', conversationId });
      return (await waitFor(
        (message) => message.type === 'conversation-snapshot' && message.conversationId === conversationId,
      )) as Extract<UiServerMessage, { type: 'conversation-snapshot' }>;
    },
    async waitForRun(runId, predicate, timeoutMs) {
      const matching = (message: UiServerMessage) =>
        chatMessagesIn(message)
          .map(runOf)
          .find((run) => run?.id === runId && predicate(run));
      return matching(await waitFor((message) => matching(message) !== undefined, timeoutMs))!;
    },
    async waitForMessage(predicate, timeoutMs) {
      const matching = (message: UiServerMessage) => chatMessagesIn(message).find(predicate);
      return matching(await waitFor((message) => matching(message) !== undefined, timeoutMs))!;
    },
    chunksOf: (messageId) =>
      received.items.flatMap((message) => (message.type === 'message-chunk' && message.messageId === messageId ? [message] : [])),
    closed,
    close: () => socket.close(),
  };
  if (options.hello ?? true) {
    client.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    await waitFor((message) => message.type === 'welcome');
  }
  return client;
}
