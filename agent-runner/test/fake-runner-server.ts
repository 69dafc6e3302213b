import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION, RunnerMessageSchema, type RunnerMessage, type ServerToRunnerMessage } from '../../protocol/index.ts';

export type FakeRunnerServer = {
  url: string;
  /** Every JSON message runners sent, parsed against the protocol. */
  received: RunnerMessage[];
  /** Resolves with the next (or an already received, not yet awaited) message of this type. */
  next<Type extends RunnerMessage['type']>(type: Type): Promise<Extract<RunnerMessage, { type: Type }>>;
  send(message: ServerToRunnerMessage): void;
  /** Closes the runner's socket, as a server that goes away does. */
  dropConnection(): void;
  close(): Promise<void>;
};

/**
 * The server side of the runner socket on 127.0.0.1, just enough of it for runner tests: it
 * welcomes a runner and records what the runner sends; the test plays the rest of the server.
 */
export async function startFakeRunnerServer(): Promise<FakeRunnerServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const received: RunnerMessage[] = [];
  const consumed = new Set<RunnerMessage>();
  const waiters: { type: string; resolve(message: RunnerMessage): void }[] = [];
  let socket: WebSocket | undefined;

  server.on('connection', (connection) => {
    socket = connection;
    connection.on('message', (data, isBinary) => {
      if (isBinary) return; // screenshots
      const message = RunnerMessageSchema.parse(JSON.parse(data.toString()));
      received.push(message);
      if (message.type === 'hello') {
        send({ type: 'welcome', protocolVersion: PROTOCOL_VERSION, heartbeatMs: 60_000, leaseMs: 60_000, reconnectGraceMs: 60_000, capacity: message.runner.capacity, resumed: [] });
      }
      const waiter = waiters.find((candidate) => candidate.type === message.type);
      if (waiter) {
        waiters.splice(waiters.indexOf(waiter), 1);
        consumed.add(message);
        waiter.resolve(message);
      }
    });
  });

  function send(message: ServerToRunnerMessage) {
    socket?.send(JSON.stringify(message));
  }

  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/runner`,
    received,
    next(type) {
      const waiting = received.find((message) => message.type === type && !consumed.has(message));
      if (waiting) {
        consumed.add(waiting);
        return Promise.resolve(waiting as never);
      }
      return new Promise((resolve) => waiters.push({ type, resolve: resolve as (message: RunnerMessage) => void }));
    },
    send,
    dropConnection: () => socket?.terminate(),
    async close() {
      for (const client of server.clients) client.terminate();
      server.close();
      await once(server, 'close');
    },
  };
}
