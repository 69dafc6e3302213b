import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPeriodicTask } from './background/periodic-task.ts';
import { createChatService } from './chat/chat-service.ts';
import type { ServerConfig } from './config.ts';
import { answerClientError } from './http/client-error.ts';
import { createApp } from './http/create-app.ts';
import { createHostCheck } from './http/host-check.ts';
import { createConversationHub } from './live/conversation-hub.ts';
import { createUiGateway } from './live/ui-gateway.ts';
import type { Logger } from './logger.ts';
import type { ModelPlanner } from './planner/model-planner.ts';
import { createRunDispatcher } from './runs/run-dispatcher.ts';
import { createRunService } from './runs/run-service.ts';
import { createRunnerGateway } from './runs/runner-gateway.ts';
import type { FinishedRun, Store } from './store/store.ts';

export type SkipperServerOptions = {
  config: Pick<
    ServerConfig,
    | 'host'
    | 'runnerToken'
    | 'runLeaseMs'
    | 'runMaxAttempts'
    | 'runMaxDurationMs'
    | 'runMaxQueuedPerUser'
    | 'runnerReconnectGraceMs'
    | 'runnerMaxCapacity'
    | 'stepTimeoutMs'
    | 'screenshotQuality'
    | 'publicUrl'
    | 'httpHeadersTimeoutMs'
    | 'httpRequestTimeoutMs'
  >;
  store: Store;
  logger: Logger;
  /** The built chat UI. Default chat-ui/dist. */
  uiDir?: string;
  /** Plans free-form requests; without one, only the command grammar is understood. */
  planner?: ModelPlanner;
  /** Time a new socket (browser or runner) has to say hello before it is closed. Default 10 s. */
  helloTimeoutMs?: number;
};

export type SkipperServer = {
  httpServer: Server;
  /** Starts listening on `config.host` and resolves with the bound port. */
  listen(port: number): Promise<number>;
  /** What is open now: browser sockets, conversation subscriptions, connected runners. */
  connections(): { uiSockets: number; subscriptions: number; runners: number };
  /**
   * Stops taking work and closes every socket. Runners keep their runs going and resume them
   * with the next server on this database. Leaves the store open.
   */
  close(): Promise<void>;
};

/** How often closing messages that were never written (a crash after a run ended) are looked for. */
const PENDING_SUMMARIES_EVERY_MS = 10_000;

/** Wires store, chat, live updates, run dispatch and HTTP into one server. */
export async function createSkipperServer({ config, store, logger, uiDir, planner, helloTimeoutMs }: SkipperServerOptions): Promise<SkipperServer> {
  const localUser = await store.users.ensure('local');
  const hub = createConversationHub({ store, logger });
  // The chat service posts closing messages and the dispatcher reports finished runs: each needs the other.
  const onRunFinished = (finished: FinishedRun) => chat.summarizeRun(finished);
  const dispatcher = createRunDispatcher({
    store,
    publish: hub.publish,
    logger,
    leaseMs: config.runLeaseMs,
    reconnectGraceMs: config.runnerReconnectGraceMs,
    maxDurationMs: config.runMaxDurationMs,
    maxRunnerCapacity: config.runnerMaxCapacity,
    settings: { stepTimeoutMs: config.stepTimeoutMs, screenshotQuality: config.screenshotQuality },
    onRunFinished,
  });
  const chat = createChatService({
    store,
    hub,
    logger,
    ...(planner && { planner }),
    maxAttempts: config.runMaxAttempts,
    maxQueuedRuns: config.runMaxQueuedPerUser,
    onRunQueued: dispatcher.wake,
    stopRuns: dispatcher.stopHeld,
  });
  const runs = createRunService({ store, publish: hub.publish, onRunFinished, stopRuns: dispatcher.stopHeld });
  const pendingSummaries = createPeriodicTask({
    name: 'posting closing messages',
    everyMs: PENDING_SUMMARIES_EVERY_MS,
    run: chat.summarizePending,
    logger,
  });

  const hostAllowed = createHostCheck({ listenHost: config.host, ...(config.publicUrl && { publicUrl: config.publicUrl }) });
  const app = createApp({
    hostAllowed,
    store,
    chat,
    runs,
    runnerCount: dispatcher.runnerCount,
    logger,
    ownerId: localUser.id,
    uiDir: uiDir ?? new URL('../chat-ui/dist', import.meta.url).pathname,
    ...(config.publicUrl && { publicUrl: config.publicUrl }),
  });
  // A client gets this long to send its headers and its whole request, so a slow or stalled
  // upload cannot hold a connection for minutes. Checked every second, not Node's 30 s default.
  const httpServer = createServer({
    headersTimeout: config.httpHeadersTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    connectionsCheckingInterval: 1_000,
  }, app);
  httpServer.on('clientError', answerClientError);
  const runnerGateway = createRunnerGateway({
    token: config.runnerToken,
    dispatcher,
    logger,
    // A third of the lease, so two heartbeats can go missing before the run is taken back.
    heartbeatMs: Math.max(Math.floor(config.runLeaseMs / 3), 100),
    ...(helloTimeoutMs && { helloTimeoutMs }),
  });
  const uiGateway = createUiGateway({
    store,
    hub,
    logger,
    authenticate: () => localUser.id,
    ...(config.publicUrl && { extraOrigins: [config.publicUrl] }),
    ...(helloTimeoutMs && { helloTimeoutMs }),
  });
  httpServer.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!hostAllowed(request.headers.host)) socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    else if (path === '/ws') uiGateway.handleUpgrade(request, socket, head);
    else if (path === '/ws/runner') runnerGateway.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  return {
    httpServer,
    connections: () => ({ uiSockets: uiGateway.clientCount(), subscriptions: hub.listenerCount(), runners: dispatcher.runnerCount() }),
    listen(port) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, config.host, () => {
          httpServer.off('error', reject);
          dispatcher.start();
          pendingSummaries.start();
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      await runnerGateway.close();
      await uiGateway.close();
      await dispatcher.stop();
      await pendingSummaries.stop();
      await hub.idle();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
