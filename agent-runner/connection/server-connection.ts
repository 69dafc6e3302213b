import { WebSocket } from 'ws';
import { ServerToRunnerMessageSchema, type RunnerMessage, type ServerToRunnerMessage, type Welcome } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { Frame } from './run-outbox.ts';

type Instruction = Extract<ServerToRunnerMessage, { type: 'run-assign' | 'run-cancel' | 'ack' }>;
type ModelReply = Extract<ServerToRunnerMessage, { type: 'model-result' | 'model-error' }>;

export type ServerConnectionOptions = {
  url: string;
  token: string;
  /** The hello sent on every (re)connection. */
  hello(): Extract<RunnerMessage, { type: 'hello' }>;
  onWelcome(welcome: Welcome): void;
  onInstruction(instruction: Instruction): void;
  /** The answer to a model call (see model-calls.ts). */
  onModelReply(reply: ModelReply): void;
  /** The connection dropped, with this close code; a new one is being attempted. */
  onDisconnect(code: number): void;
  /** The server refused this runner for good (incompatible protocol). */
  onFatal(message: string): void;
  logger: Logger;
  /** First reconnection delay; doubles up to `maxDelayMs`, with jitter. Default 500 ms. */
  initialDelayMs?: number;
  /** Default 15 s. */
  maxDelayMs?: number;
  /** Whether runs are waiting for the connection: then reconnection is tried at least every second. */
  holdingRuns?(): boolean;
};

/** Longest wait between reconnection tries while runs are waiting to report. */
const URGENT_MAX_DELAY_MS = 1_000;

export type ServerConnection = {
  /** Sends a message or an encoded frame if the connection is up and welcomed; returns whether it was sent. */
  send(message: RunnerMessage | Frame): boolean;
  close(): Promise<void>;
};

/** Keeps one authenticated WebSocket to the server open, reconnecting with backoff. */
export function connectToServer(options: ServerConnectionOptions): ServerConnection {
  const { logger } = options;
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 15_000;
  let socket: WebSocket | undefined;
  let welcomed = false;
  let failures = 0;
  let closing = false;
  let retryTimer: NodeJS.Timeout | undefined;

  function connect() {
    const current = new WebSocket(options.url, { headers: { Authorization: `Bearer ${options.token}` } });
    socket = current;
    welcomed = false;

    current.on('open', () => current.send(JSON.stringify(options.hello())));
    current.on('unexpected-response', (_request, response) => {
      const hint = response.statusCode === 401 ? ': the runner token was refused; RUNNER_TOKEN must match the server' : '';
      logger.error({ status: response.statusCode }, `server refused the connection${hint}`);
      current.terminate();
    });
    current.on('message', (data, isBinary) => {
      const parsed = isBinary ? undefined : ServerToRunnerMessageSchema.safeParse(safeJson(data.toString()));
      if (!parsed?.success) {
        logger.warn('ignored a message from the server that this runner does not understand');
        return;
      }
      const message = parsed.data;
      if (message.type === 'welcome') {
        welcomed = true;
        failures = 0;
        options.onWelcome(message);
      } else if (message.type === 'error') {
        logger.warn({ code: message.code }, message.message);
        if (message.code === 'unsupported-protocol-version') options.onFatal(message.message);
      } else if (message.type === 'model-result' || message.type === 'model-error') {
        options.onModelReply(message);
      } else {
        options.onInstruction(message);
      }
    });
    current.on('error', (error) => logger.debug({ err: error }, 'connection error'));
    current.on('close', (code) => {
      if (socket !== current) return;
      socket = undefined;
      if (welcomed) options.onDisconnect(code);
      if (closing) return;
      failures += 1;
      const cap = options.holdingRuns?.() ? Math.min(maxDelay, URGENT_MAX_DELAY_MS) : maxDelay;
      const delay = Math.min(initialDelay * 2 ** (failures - 1), cap) * (0.75 + Math.random() * 0.5);
      logger.info({ code, retryInMs: Math.round(delay) }, 'disconnected from the server; reconnecting');
      retryTimer = setTimeout(connect, delay);
    });
  }

  connect();
  return {
    send(message) {
      if (!welcomed || socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message));
      return true;
    },
    async close() {
      closing = true;
      clearTimeout(retryTimer);
      const current = socket;
      if (!current || current.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        current.once('close', () => resolve());
        current.close(1000, 'runner stopping');
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
