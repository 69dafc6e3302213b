import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { MAX_ERROR_MESSAGE_LENGTH, toStorableText, type ErrorCode } from '../../protocol/index.ts';

/** Sends a JSON message if the socket is still open; returns whether it was sent. */
export function sendJson(socket: WebSocket, message: object): boolean {
  if (socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

/** An error frame; the message may quote what the peer sent, so it is made storable and cut to the protocol's limit. */
export function sendError(socket: WebSocket, code: ErrorCode, message: string, extra: object = {}): void {
  sendJson(socket, { type: 'error', code, message: toStorableText(message, MAX_ERROR_MESSAGE_LENGTH), ...extra });
}

/** A text frame's JSON, or undefined when it is not JSON. */
export function parseJsonFrame(data: RawData): unknown {
  try {
    return JSON.parse(rawToBuffer(data).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * Pings every `intervalMs` and terminates a peer that did not answer the previous ping,
 * so a frozen or vanished peer is noticed even when TCP never reports it.
 */
export function keepAlive(socket: WebSocket, intervalMs: number): void {
  let answered = true;
  socket.on('pong', () => {
    answered = true;
  });
  const timer = setInterval(() => {
    if (!answered) {
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

/** Close codes this server uses besides the standard ones. */
export const CLOSE_CODES = {
  unsupportedProtocolVersion: 4000,
  helloTimeout: 4001,
  replaced: 4002,
  shuttingDown: 1001,
  /** The server is restarting: reconnect and carry on. */
  serviceRestart: 1012,
} as const;

/** Closes every client of `server` politely, terminating those that do not answer within `graceMs`. */
export async function closeAllClients(server: WebSocketServer, code: number, reason: string, graceMs = 2_000): Promise<void> {
  const closing = [...server.clients].map(
    (client) =>
      new Promise<void>((resolve) => {
        if (client.readyState === WebSocket.CLOSED) return resolve();
        const timer = setTimeout(() => client.terminate(), graceMs);
        client.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        client.close(code, reason);
      }),
  );
  await Promise.all(closing);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
