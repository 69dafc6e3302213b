import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatService } from './chat/chat-service.ts';
import type { ServerConfig } from './config.ts';
import { createApp } from './http/create-app.ts';
import { createHostCheck } from './http/host-check.ts';
import { createConversationHub } from './live/conversation-hub.ts';
import { createUiGateway } from './live/ui-gateway.ts';
import type { Logger } from './logger.ts';
import type { ModelPlanner } from './planner/model-planner.ts';
import { createRunDispatcher } from './runs/run-dispatcher.ts';
import { createRunnerGateway } from './runs/runner-gateway.ts';
import type { Store } from './store/store.ts';

export type SkipperServerOptions = {
  config: Pick<
    ServerConfig,
    'host' | 'runnerToken' | 'runLeaseMs' | 'runMaxAttempts' | 'stepTimeoutMs' | 'screenshotQuality' | 'publicUrl'
  >;
  store: Store;
  logger: Logger;
  /** The built chat UI. Default chat-ui/dist. */
  uiDir?: string;
  /** Plans free-form requests; without one, only the command grammar is understood. */
  planner?: ModelPlanner;
};

export type SkipperServer = {
  httpServer: Server;
  /** Starts listening on `config.host` and resolves with the bound port. */
  listen(port: number): Promise<number>;
  /** Stops taking work, queues the runs of connected runners again, and closes every socket. Leaves the store open. */
  close(): Promise<void>;
};

/** Wires store, chat, live updates, run dispatch and HTTP into one server. */
export async function createSkipperServer({ config, store, logger, uiDir, planner }: SkipperServerOptions): Promise<SkipperServer> {
  const localUser = await store.users.ensure('local');
  const hub = createConversationHub({ store, logger });
  let wakeDispatcher = () => {};
  const chat = createChatService({
    store,
    hub,
    logger,
    ...(planner && { planner }),
    maxAttempts: config.runMaxAttempts,
    onRunQueued: () => wakeDispatcher(),
  });
  const dispatcher = createRunDispatcher({
    store,
    hub,
    logger,
    leaseMs: config.runLeaseMs,
    settings: { stepTimeoutMs: config.stepTimeoutMs, screenshotQuality: config.screenshotQuality },
    onRunFinished: (finished) => chat.summarizeRun(finished),
  });
  wakeDispatcher = () => dispatcher.wake();

  const hostAllowed = createHostCheck({ listenHost: config.host, ...(config.publicUrl && { publicUrl: config.publicUrl }) });
  const app = createApp({
    hostAllowed,
    store,
    chat,
    dispatcher,
    logger,
    ownerId: localUser.id,
    uiDir: uiDir ?? new URL('../chat-ui/dist', import.meta.url).pathname,
    ...(config.publicUrl && { publicUrl: config.publicUrl }),
  });
  const httpServer = createServer(app);
  const runnerGateway = createRunnerGateway({
    token: config.runnerToken,
    dispatcher,
    logger,
    // A third of the lease, so two heartbeats can go missing before the run is taken back.
    heartbeatMs: Math.max(Math.floor(config.runLeaseMs / 3), 100),
  });
  const uiGateway = createUiGateway({
    store,
    hub,
    logger,
    authenticate: () => localUser.id,
    ...(config.publicUrl && { extraOrigins: [config.publicUrl] }),
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
    listen(port) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, config.host, () => {
          httpServer.off('error', reject);
          dispatcher.start();
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      await runnerGateway.close();
      await uiGateway.close();
      await dispatcher.stop();
      await hub.idle();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
