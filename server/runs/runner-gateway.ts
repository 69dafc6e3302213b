import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import {
  decodeBinaryFrame,
  MAX_DOWNLOAD_BYTES,
  PROTOCOL_VERSION,
  RunnerMessageSchema,
  StepDownloadHeaderSchema,
  StepScreenshotHeaderSchema,
  type Welcome,
} from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { CLOSE_CODES, closeAllClients, keepAlive, parseJsonFrame, rawToBuffer, sendError, sendJson } from '../net/web-socket.ts';
import type { RunDispatcher, RunnerSession } from './run-dispatcher.ts';
import { createOrderedLanes } from './ordered-lanes.ts';
import { createRunnerTokenCheck } from './runner-token.ts';

/** What a binary frame may carry: a step's screenshot, or a file the page downloaded. */
const BinaryHeaderSchema = z.discriminatedUnion('type', [StepScreenshotHeaderSchema, StepDownloadHeaderSchema]);

export type RunnerGatewayOptions = {
  token: string;
  dispatcher: RunDispatcher;
  logger: Logger;
  /** How often runners send heartbeats; the server pings at the same pace. */
  heartbeatMs: number;
  /** Largest frame accepted, in bytes; downloads are the big ones. Default: MAX_DOWNLOAD_BYTES and room for a header. */
  maxPayload?: number;
  /** Time a connection has to say hello. Default 10 s. */
  helloTimeoutMs?: number;
};

/** The `/ws/runner` endpoint: authenticates runners, checks their protocol, and feeds the dispatcher. */
export function createRunnerGateway(options: RunnerGatewayOptions) {
  const { dispatcher, logger } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? MAX_DOWNLOAD_BYTES + 64 * 1024 });
  const tokenMatches = createRunnerTokenCheck(options.token);
  /** Disconnections still being handled. */
  const detaching = new Set<Promise<void>>();
  let closing = false;

  function authorised(request: IncomingMessage): boolean {
    return tokenMatches(request.headers.authorization);
  }

  server.on('connection', (socket: WebSocket) => {
    let session: RunnerSession | undefined;
    let greeted = false;
    // What a runner sends about a run is applied in the order it was sent, after its hello;
    // different runs' events are applied side by side.
    const lanes = createOrderedLanes((error: unknown) => logger.error({ err: error }, 'runner event failed'));
    const helloTimer = setTimeout(() => socket.close(CLOSE_CODES.helloTimeout, 'no hello received'), options.helloTimeoutMs ?? 10_000);
    keepAlive(socket, options.heartbeatMs);
    // ws reports protocol violations (e.g. an oversized frame) here before closing; unhandled, they would crash the process.
    socket.on('error', (error) => logger.debug({ err: error }, 'socket error'));

    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        const frame = decodeBinaryFrame(rawToBuffer(data));
        const parsed = BinaryHeaderSchema.safeParse(frame?.header);
        if (!greeted || !frame || !parsed.success) {
          sendError(socket, 'invalid-frame', 'Binary frames must be step screenshots or downloads sent after hello.');
          return;
        }
        const header = parsed.data;
        if (header.type === 'step-download') {
          if (frame.payload.length > MAX_DOWNLOAD_BYTES) {
            sendError(socket, 'invalid-frame', `The download is larger than ${MAX_DOWNLOAD_BYTES} bytes; record it as skipped instead.`);
            return;
          }
          lanes.enqueue(header.runId, async () => {
            if (session) await dispatcher.handleDownload(session, header, frame.payload);
          });
          return;
        }
        if (frame.payload[0] !== 0xff || frame.payload[1] !== 0xd8) {
          sendError(socket, 'invalid-frame', 'The screenshot is not a JPEG image.');
          return;
        }
        lanes.enqueue(header.runId, async () => {
          if (session) await dispatcher.handleScreenshot(session, header, frame.payload);
        });
        return;
      }
      const parsed = RunnerMessageSchema.safeParse(parseJsonFrame(data));
      if (!parsed.success) {
        sendError(socket, 'invalid-frame', `Not a valid runner message: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`);
        return;
      }
      const message = parsed.data;
      if (message.type === 'hello') {
        if (greeted) {
          sendError(socket, 'invalid-frame', 'hello was already received.');
          return;
        }
        clearTimeout(helloTimer);
        if (message.protocolVersion !== PROTOCOL_VERSION) {
          sendError(socket, 'unsupported-protocol-version', `This server speaks protocol ${PROTOCOL_VERSION}; the runner sent ${message.protocolVersion}. Update the runner.`);
          socket.close(CLOSE_CODES.unsupportedProtocolVersion, 'unsupported protocol version');
          return;
        }
        greeted = true;
        lanes.enqueueShared(async () => {
          if (socket.readyState !== socket.OPEN) return;
          const connected = await dispatcher.connect({
            id: message.runner.id,
            name: message.runner.name,
            capacity: message.runner.capacity,
            heldRuns: message.runs,
            send: (outgoing) => sendJson(socket, outgoing),
            close: (code, reason) => socket.close(code, reason),
          });
          session = connected.session;
          const welcome: Welcome = { type: 'welcome', protocolVersion: PROTOCOL_VERSION, heartbeatMs: options.heartbeatMs, ...connected.welcome };
          sendJson(socket, welcome);
        });
        return;
      }
      if (!greeted) {
        sendError(socket, 'invalid-frame', 'Send hello first.');
        return;
      }
      // A model call is a request, not an event: it does not wait behind the events before it
      // (a step's end, a screenshot being stored). Its run was assigned before the runner could ask.
      if (session && (message.type === 'model-call' || message.type === 'model-cancel')) {
        void dispatcher.handle(session, message);
        return;
      }
      const work = async () => {
        if (session) await dispatcher.handle(session, message);
      };
      if ('runId' in message) lanes.enqueue(message.runId, work);
      else lanes.enqueueShared(work);
    });

    socket.on('close', () => {
      clearTimeout(helloTimer);
      const serverClosing = closing;
      // After every event already received, so none is lost; a session that never finished hello has nothing to release.
      const done = lanes.drained().then(async () => {
        if (session) await dispatcher.disconnect(session, { serverClosing });
      }).catch((error: unknown) => logger.error({ err: error }, 'runner disconnection failed'));
      detaching.add(done);
      void done.finally(() => detaching.delete(done));
    });
  });

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!authorised(request)) {
        logger.warn({ remoteAddress: request.socket.remoteAddress }, 'runner refused: bad or missing token');
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' +
          JSON.stringify({ error: { code: 'unauthorized', message: 'A valid runner token is required.' } }));
        return;
      }
      server.handleUpgrade(request, socket, head, (webSocket) => server.emit('connection', webSocket, request));
    },
    /**
     * Closes every runner connection, telling runners the server is restarting: they keep their
     * runs going and resume them with the next server (or another instance) within their lease.
     */
    async close() {
      closing = true;
      await closeAllClients(server, CLOSE_CODES.serviceRestart, 'server restarting');
      await Promise.all(detaching);
    },
  };
}
