import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_PAGE_SIZE, PROTOCOL_VERSION, UiClientMessageSchema, type UiServerMessage } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { CLOSE_CODES, closeAllClients, keepAlive, parseJsonFrame, sendError, sendJson } from '../net/web-socket.ts';
import type { Store } from '../store/store.ts';
import type { RetainedReply } from '../assistant/reply-streams.ts';
import type { ConversationEvent, ConversationHub } from './conversation-hub.ts';

export type UiGatewayOptions = {
  store: Store;
  hub: ConversationHub;
  logger: Logger;
  /** The replies being written in a conversation, so a tab that subscribes mid-reply gets them whole. */
  retainedReplies(ownerId: string, conversationId: string): RetainedReply[];
  /** The user a connection acts for, or null to refuse it. */
  authenticate(request: IncomingMessage): string | null;
  /** Origins allowed besides the server's own host, e.g. PUBLIC_URL behind a proxy. */
  extraOrigins?: string[];
  /** Largest frame a browser may send, in bytes. Default 64 KiB. */
  maxPayload?: number;
  /** Conversations one socket may watch at once. Default 20. */
  maxSubscriptions?: number;
  /** How often idle sockets are pinged. Default 30 s. */
  pingMs?: number;
  /** Time a connection has to say hello before it is closed. Default 10 s. */
  helloTimeoutMs?: number;
  /** Messages in a subscription's snapshot (the newest). Default 50. */
  snapshotMessages?: number;
};

/**
 * The `/ws` endpoint for browsers. After `subscribe`, a client gets one snapshot of the
 * conversation, then every change. Changes that happen while the snapshot is read are held
 * back and sent after it only if they are newer than it, so none is lost or applied twice.
 */
export function createUiGateway(options: UiGatewayOptions) {
  const { store, hub, logger } = options;
  const maxSubscriptions = options.maxSubscriptions ?? 20;
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 });

  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // not a browser: browsers always send Origin on WebSocket upgrades
    try {
      const host = new URL(origin).host;
      return host === request.headers.host || (options.extraOrigins ?? []).some((allowed) => new URL(allowed).host === host);
    } catch {
      return false;
    }
  }

  server.on('connection', (socket: WebSocket, _request: IncomingMessage, ownerId: string) => {
    const subscriptions = new Map<string, () => void>();
    let greeted = false;
    const helloTimer = setTimeout(() => socket.close(CLOSE_CODES.helloTimeout, 'no hello received'), options.helloTimeoutMs ?? 10_000);
    keepAlive(socket, options.pingMs ?? 30_000);
    // ws reports protocol violations (e.g. an oversized frame) here before closing; unhandled, they would crash the process.
    socket.on('error', (error) => logger.debug({ err: error }, 'socket error'));
    const send = (message: UiServerMessage) => sendJson(socket, message);

    async function subscribe(conversationId: string) {
      // Subscribing again replaces the earlier subscription (and does not count twice against the limit).
      subscriptions.get(conversationId)?.();
      subscriptions.delete(conversationId);
      if (subscriptions.size >= maxSubscriptions) {
        sendError(socket, 'invalid-request', `A connection may watch at most ${maxSubscriptions} conversations.`, { conversationId });
        return;
      }
      let snapshotSeq: number | undefined;
      const held: ConversationEvent[] = [];
      /** Chunks already sent per reply: a chunk arrives both live and in the retained list, and goes once. */
      const chunksSent = new Map<string, number>();
      const deliver = (event: ConversationEvent) => {
        if (event.type === 'message-chunk') {
          if (event.seq < (chunksSent.get(event.messageId) ?? 0)) return;
          chunksSent.set(event.messageId, event.seq + 1);
        }
        if (event.type === 'conversation-deleted') subscriptions.delete(conversationId);
        send(event);
      };
      const unsubscribe = hub.subscribe(ownerId, conversationId, (event) => {
        if (snapshotSeq === undefined) held.push(event);
        else deliver(event);
      });
      subscriptions.set(conversationId, unsubscribe);
      const snapshot = await store.conversations.snapshot(ownerId, conversationId, { limit: options.snapshotMessages ?? DEFAULT_PAGE_SIZE });
      if (subscriptions.get(conversationId) !== unsubscribe) return; // unsubscribed meanwhile
      if (!snapshot) {
        unsubscribe();
        subscriptions.delete(conversationId);
        sendError(socket, 'not-found', 'No conversation with that id.', { conversationId });
        return;
      }
      send({ type: 'conversation-snapshot', conversationId, seq: snapshot.seq, messages: snapshot.messages, hasOlder: snapshot.hasOlder });
      snapshotSeq = snapshot.seq;
      // Replies being written are sent whole, from their first chunk, then live.
      for (const reply of options.retainedReplies(ownerId, conversationId)) {
        reply.chunks.forEach((chunk, seq) => deliver({ type: 'message-chunk', conversationId, messageId: reply.messageId, seq, chunk }));
      }
      for (const event of held) {
        if (event.type === 'message-upsert' && event.seq <= snapshot.seq) continue;
        deliver(event);
      }
    }

    socket.on('message', (data, isBinary) => {
      const parsed = isBinary ? undefined : UiClientMessageSchema.safeParse(parseJsonFrame(data));
      if (!parsed?.success) {
        const reason = parsed?.error.issues[0]?.message ?? 'frames must be JSON text';
        sendError(socket, 'invalid-frame', `That message was not understood (${reason}).`);
        return;
      }
      const message = parsed.data;
      if (message.type === 'hello') {
        if (message.protocolVersion !== PROTOCOL_VERSION) {
          sendError(socket, 'unsupported-protocol-version', 'This page is out of date. Reload it to continue.');
          socket.close(CLOSE_CODES.unsupportedProtocolVersion, 'unsupported protocol version');
          return;
        }
        greeted = true;
        clearTimeout(helloTimer);
        send({ type: 'welcome', protocolVersion: PROTOCOL_VERSION });
        return;
      }
      if (!greeted) {
        sendError(socket, 'invalid-frame', 'Send hello first.');
        return;
      }
      if (message.type === 'subscribe') {
        subscribe(message.conversationId).catch((error: unknown) => {
          logger.error({ err: error }, 'subscribe failed');
          sendError(socket, 'internal', 'Could not load the conversation. Please try again.', {
            conversationId: message.conversationId,
          });
        });
      } else {
        subscriptions.get(message.conversationId)?.();
        subscriptions.delete(message.conversationId);
      }
    });

    socket.on('close', () => {
      clearTimeout(helloTimer);
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
    });
  });

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      const ownerId = options.authenticate(request);
      if (!originAllowed(request) || ownerId === null) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (webSocket) => server.emit('connection', webSocket, request, ownerId));
    },
    close: () => closeAllClients(server, CLOSE_CODES.shuttingDown, 'server shutting down'),
    clientCount: () => server.clients.size,
  };
}
