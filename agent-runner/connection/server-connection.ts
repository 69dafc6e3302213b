import { WebSocket } from 'ws';
import {
  encodeBinaryFrame,
  ServerToRunnerMessageSchema,
  type RunnerMessage,
  type ServerToRunnerMessage,
  type StepScreenshotHeader,
} from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';

type Welcome = Extract<ServerToRunnerMessage, { type: 'welcome' }>;
type Instruction = Extract<ServerToRunnerMessage, { type: 'run-assign' | 'run-cancel' }>;

export type ServerConnectionOptions = {
  url: string;
  token: string;
  /** The hello sent on every (re)connection. */
  hello(): Extract<RunnerMessage, { type: 'hello' }>;
  onWelcome(welcome: Welcome): void;
  onInstruction(instruction: Instruction): void;
  /** The connection dropped; a new one is being attempted. */
  onDisconnect(): void;
  /** The server refused this runner for good (incompatible protocol). */
  onFatal(message: string): void;
  logger: Logger;
  /** First reconnection delay; doubles up to `maxDelayMs`, with jitter. Default 500 ms. */
  initialDelayMs?: number;
  /** Default 15 s. */
  maxDelayMs?: number;
};

export type ServerConnection = {
  send(message: RunnerMessage): boolean;
  sendScreenshot(header: StepScreenshotHeader, jpeg: Uint8Array): boolean;
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
      } else {
        options.onInstruction(message);
      }
    });
    current.on('error', (error) => logger.debug({ err: error }, 'connection error'));
    current.on('close', (code) => {
      if (socket !== current) return;
      socket = undefined;
      if (welcomed) options.onDisconnect();
      if (closing) return;
      failures += 1;
      const delay = Math.min(initialDelay * 2 ** (failures - 1), maxDelay) * (0.75 + Math.random() * 0.5);
      logger.info({ code, retryInMs: Math.round(delay) }, 'disconnected from the server; reconnecting');
      retryTimer = setTimeout(connect, delay);
    });
  }

  function sendRaw(data: string | Uint8Array): boolean {
    if (!welcomed || socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(data);
    return true;
  }

  connect();
  return {
    send: (message) => sendRaw(JSON.stringify(message)),
    sendScreenshot: (header, jpeg) => sendRaw(encodeBinaryFrame(header, jpeg)),
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
