import { z } from 'zod';
import { PROTOCOL_VERSION, UiServerMessageSchema } from '../../protocol/index.ts';
import type { UiClientMessage, UiServerMessage } from '../../protocol/index.ts';
import { reconnectDelay } from './reconnect-delay.ts';

/**
 * - `connecting`: first connection of this page, not yet welcomed.
 * - `live`: welcomed; subscriptions receive updates.
 * - `reconnecting`: the connection dropped (or never came up); a retry is scheduled or under way.
 * - `stopped`: the server speaks another protocol version; retrying cannot help, reloading can.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export type LiveSocket = {
  /** Opens the connection and keeps it open until `close`. */
  connect(): void;
  close(): void;
  /** Subscribes now if live, and again after every reconnect (each time yielding a fresh snapshot). */
  subscribe(conversationId: string): void;
  unsubscribe(conversationId: string): void;
  /** Every valid frame from the server; returns a function that removes the listener. */
  onMessage(listener: (message: UiServerMessage) => void): () => void;
  onStateChange(listener: () => void): () => void;
  getState(): ConnectionState;
};

export type LiveSocketOptions = {
  url: string;
  /** Time to wait for `welcome` once the socket is open before trying again; default 10 s. */
  welcomeTimeoutMs?: number;
  /** How long a connection must stay live before the backoff starts again from its shortest wait; default 10 s. */
  stableAfterMs?: number;
  /** Default: Math.random. */
  random?: () => number;
};

/** `ws://host/ws` or `wss://host/ws`, matching the page. */
export function liveSocketUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

export function createLiveSocket({ url, welcomeTimeoutMs = 10_000, stableAfterMs = 10_000, random = Math.random }: LiveSocketOptions): LiveSocket {
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let running = false;
  /** Whether this page has been welcomed once; until then a retry still reads as "connecting". */
  let hasBeenLive = false;
  /** Connections that failed or dropped since the last stable one; drives the backoff. */
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  let stableTimer: ReturnType<typeof setTimeout> | undefined;
  const subscriptions = new Set<string>();
  const messageListeners = new Set<(message: UiServerMessage) => void>();
  const stateListeners = new Set<() => void>();

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const listener of stateListeners) listener();
  }

  function send(message: UiClientMessage): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function clearTimers(): void {
    clearTimeout(retryTimer);
    clearTimeout(welcomeTimer);
    clearTimeout(stableTimer);
    retryTimer = welcomeTimer = stableTimer = undefined;
  }

  function open(): void {
    clearTimers();
    const current = new WebSocket(url);
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
      welcomeTimer = setTimeout(() => current.close(4000, 'no welcome'), welcomeTimeoutMs);
    });
    current.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (socket === current) receive(event.data);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      clearTimers();
      if (running && state !== 'stopped') scheduleReconnect();
    });
  }

  function scheduleReconnect(): void {
    setState(hasBeenLive ? 'reconnecting' : 'connecting');
    retryTimer = setTimeout(open, reconnectDelay(failures, random));
    failures += 1;
  }

  function stop(reason: string): void {
    console.warn(`live updates stopped: ${reason}`);
    setState('stopped');
    socket?.close(1000);
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') {
      console.warn('ignored a binary frame on /ws');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('ignored a frame on /ws that is not JSON');
      return;
    }
    const result = UiServerMessageSchema.safeParse(json);
    if (!result.success) {
      console.warn('ignored an invalid frame on /ws', z.prettifyError(result.error));
      return;
    }
    const message = result.data;
    if (message.type === 'welcome') {
      if (message.protocolVersion !== PROTOCOL_VERSION) {
        stop(`server speaks protocol ${message.protocolVersion}, this page ${PROTOCOL_VERSION}`);
        return;
      }
      clearTimeout(welcomeTimer);
      stableTimer = setTimeout(() => (failures = 0), stableAfterMs);
      hasBeenLive = true;
      setState('live');
      for (const conversationId of subscriptions) send({ type: 'subscribe', conversationId });
    } else if (message.type === 'error' && message.code === 'unsupported-protocol-version') {
      stop(message.message);
      return;
    } else if (message.type === 'error' && message.conversationId === undefined) {
      console.warn(`/ws error ${message.code}: ${message.message}`);
    }
    for (const listener of messageListeners) listener(message);
  }

  /** Skips the backoff wait when the network or the tab comes back. */
  function retryNow(): void {
    if (!running || retryTimer === undefined || document.visibilityState === 'hidden') return;
    open();
  }

  return {
    connect() {
      if (running) return;
      running = true;
      failures = 0;
      setState('connecting');
      window.addEventListener('online', retryNow);
      document.addEventListener('visibilitychange', retryNow);
      open();
    },
    close() {
      running = false;
      clearTimers();
      window.removeEventListener('online', retryNow);
      document.removeEventListener('visibilitychange', retryNow);
      const current = socket;
      socket = null;
      current?.close(1000);
      setState('connecting');
    },
    subscribe(conversationId) {
      subscriptions.add(conversationId);
      if (state === 'live') send({ type: 'subscribe', conversationId });
    },
    unsubscribe(conversationId) {
      subscriptions.delete(conversationId);
      if (state === 'live') send({ type: 'unsubscribe', conversationId });
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    getState() {
      return state;
    },
  };
}
