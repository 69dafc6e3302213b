import { once } from 'node:events';
import { WebSocket } from 'ws';
import { encodeBinaryFrame, PROTOCOL_VERSION, ServerToRunnerMessageSchema, type ServerToRunnerMessage } from '../../protocol/index.ts';
import { createGrowingList } from './growing-list.ts';
import type { TestServer } from './test-server.ts';

/** A runner connection driven by hand: what a real runner sends, with the timing in the test's hands. */
export type RunnerSocket = {
  id: string;
  send(message: object): void;
  /** A binary frame: a JSON header and raw bytes (protocol/binary-frame.ts). */
  sendBinary(header: object, payload: Uint8Array): void;
  /** The first message of this type (past or future) not taken yet that matches. */
  next<Type extends ServerToRunnerMessage['type']>(
    type: Type,
    matches?: (message: Extract<ServerToRunnerMessage, { type: Type }>) => boolean,
  ): Promise<Extract<ServerToRunnerMessage, { type: Type }>>;
  close(): Promise<void>;
  /** Drops the connection without a close frame, as a runner that dies or loses its network. */
  cut(): void;
};

/** Connects, says hello as runner `id` with `capacity` slots (holding `runs`, after a reconnection), and waits for welcome. */
export async function connectRunnerSocket(
  server: TestServer,
  id: string,
  options: { capacity?: number; runs?: { runId: string; attempt: number }[] } = {},
): Promise<RunnerSocket> {
  const socket = new WebSocket(server.runnerUrl, { headers: { Authorization: `Bearer ${server.token}` } });
  const received = createGrowingList<ServerToRunnerMessage>();
  const taken = new Set<ServerToRunnerMessage>();
  socket.on('message', (data) => received.push(ServerToRunnerMessageSchema.parse(JSON.parse(data.toString()))));
  await once(socket, 'open');
  const runner: RunnerSocket = {
    id,
    send: (message) => socket.send(JSON.stringify(message)),
    sendBinary: (header, payload) => socket.send(encodeBinaryFrame(header, payload), { binary: true }),
    async next(type, matches) {
      const message = await received.waitFor(
        (candidate) => candidate.type === type && !taken.has(candidate) && (!matches || matches(candidate as never)),
        { timeoutMs: 20_000, describe: () => `no ${type}; received ${JSON.stringify(received.items).slice(0, 800)}` },
      );
      taken.add(message);
      return message as never;
    },
    async close() {
      socket.close();
      await once(socket, 'close');
    },
    cut: () => socket.terminate(),
  };
  runner.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, runner: { id, name: 'by-hand', capacity: options.capacity ?? 1, browser: 'none' }, runs: options.runs ?? [] });
  await runner.next('welcome');
  return runner;
}
