import { randomBytes } from 'node:crypto';
import { createSkipperServer, type SkipperServer } from '../../server/create-skipper-server.ts';
import type { EventPort } from '../../server/events/event-port.ts';
import { createPostgresEvents } from '../../server/events/postgres-events.ts';
import { createLogger, type Logger } from '../../server/logger.ts';
import type { LlmConfig } from '../../server/config.ts';
import { openPostgresStore } from '../../server/store/postgres/open-postgres-store.ts';
import type { Store } from '../../server/store/store.ts';
import type { TestDatabase } from '../../server/store/testing/test-database.ts';

export type TestServerOptions = {
  /** Default 30 s, like production. */
  leaseMs?: number;
  /** Default 2. */
  maxAttempts?: number;
  /** How long a disconnected runner's runs wait for it. Default 1 s, so a lost runner is noticed quickly. */
  reconnectGraceMs?: number;
  /** Default 15 min, like production. */
  maxDurationMs?: number;
  /** Default 50. */
  maxQueuedPerUser?: number;
  /** Reuse this database (to restart a server on the same data); default a fresh one. */
  database?: TestDatabase;
  stepTimeoutMs?: number;
  aiStepTimeoutMs?: number;
  /** Serve this built chat UI. */
  uiDir?: string;
  /** Runner token; default a random one. */
  token?: string;
  /** Listen on this port (to restart a server where its clients expect it); default any free one. */
  port?: number;
  /** A language model (see llmConfigFor in fake-openai-server.ts); without one, only commands are understood. */
  llm?: LlmConfig;
  /** Default 10 s, like production. */
  helloTimeoutMs?: number;
  /** Default 30 s, like production. */
  httpRequestTimeoutMs?: number;
  /** Default 10 s, like production. */
  httpHeadersTimeoutMs?: number;
  /** The key saved browser sessions are encrypted with; default a random one for this server. */
  sessionKey?: Uint8Array;
  /** Default 30, like production. */
  sessionTtlDays?: number;
  /** SCHEDULE_MIN_INTERVAL in ms; default 1 s (production: 1 minute), so tests can fire every second. */
  scheduleMinIntervalMs?: number;
  /** SCHEDULE_MAX_PER_USER; default 50, like production. */
  scheduleMaxPerUser?: number;
  /** SCHEDULE_PROCESS_EVERY in ms; default 1 s (production: 5 s), so a 1-second schedule fires every second. */
  scheduleProcessEveryMs?: number;
  /** Waits before each retry of a schedule's webhook; default 1 s, 5 s, 30 s. */
  scheduleWebhookRetryDelaysMs?: number[];
  /** The server's logger; default a silent one (TEST_LOG_LEVEL sets its level). */
  logger?: Logger;
  /** SLACK_SIGNING_SECRET; default none (no Slack endpoint). */
  slackSigningSecret?: string;
  /** Origins Slack replies may be POSTed to; default Slack's only. Tests add a local server standing in for response_url. */
  slackResponseOrigins?: string[];
  /** The clock Slack signatures are checked against; default Date.now. */
  slackNow?: () => number;
};

export type TestServer = {
  baseUrl: string;
  runnerUrl: string;
  token: string;
  store: Store;
  server: SkipperServer;
  database: TestDatabase;
  /** The server's event port (PostgreSQL LISTEN/NOTIFY on the test database). */
  events: EventPort;
  /** fetch against the server, JSON body in and parsed JSON out. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** Stops the server and closes its store; the database stays for a restart. */
  stop(): Promise<void>;
};

/** The real server on a loopback port, on its own database, with the built UI if there is one. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // Imported lazily: it reads the database server from vitest, which benchmarks run without.
  const database =
    options.database ?? (await (await import('../../server/store/testing/test-database.ts')).createTestDatabase());
  const store = await openPostgresStore({ connectionString: database.url });
  const logger = options.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test-server' });
  // The real event port: instances on one test database hear each other, as in production.
  const events = await createPostgresEvents({ connectionString: database.url, logger });
  const token = options.token ?? randomBytes(16).toString('hex');
  const server = await createSkipperServer({
    store,
    events,
    ...(options.uiDir && { uiDir: options.uiDir }),
    ...(options.llm && { llm: options.llm }),
    ...(options.helloTimeoutMs && { helloTimeoutMs: options.helloTimeoutMs }),
    ...(options.sessionKey && { sessionKey: options.sessionKey }),
    ...(options.scheduleWebhookRetryDelaysMs && { scheduleWebhookRetryDelaysMs: options.scheduleWebhookRetryDelaysMs }),
    ...((options.slackResponseOrigins || options.slackNow) && {
      slack: { ...(options.slackResponseOrigins && { responseOrigins: options.slackResponseOrigins }), ...(options.slackNow && { now: options.slackNow }) },
    }),
    logger,
    config: {
      host: '127.0.0.1',
      runnerToken: token,
      runLeaseMs: options.leaseMs ?? 30_000,
      runMaxAttempts: options.maxAttempts ?? 2,
      runMaxDurationMs: options.maxDurationMs ?? 15 * 60_000,
      runMaxQueuedPerUser: options.maxQueuedPerUser ?? 50,
      runnerReconnectGraceMs: options.reconnectGraceMs ?? 1_000,
      runnerMaxCapacity: 16,
      httpHeadersTimeoutMs: options.httpHeadersTimeoutMs ?? 10_000,
      httpRequestTimeoutMs: options.httpRequestTimeoutMs ?? 30_000,
      stepTimeoutMs: options.stepTimeoutMs ?? 10_000,
      aiStepTimeoutMs: options.aiStepTimeoutMs ?? 30_000,
      screenshotQuality: 70,
      ...(options.sessionTtlDays && { sessionTtlDays: options.sessionTtlDays }),
      scheduleMinIntervalMs: options.scheduleMinIntervalMs ?? 1_000,
      scheduleMaxPerUser: options.scheduleMaxPerUser ?? 50,
      scheduleProcessEveryMs: options.scheduleProcessEveryMs ?? 1_000,
      ...(options.slackSigningSecret && { slackSigningSecret: options.slackSigningSecret }),
    },
  });
  const port = await server.listen(options.port ?? 0);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    runnerUrl: `ws://127.0.0.1:${port}/ws/runner`,
    token,
    store,
    events,
    server,
    database,
    async api(path, init = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { ...(init.body !== undefined && { 'Content-Type': 'application/json' }), ...init.headers },
        ...(init.body !== undefined && { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON; keep the text
      }
      return { status: response.status, body };
    },
    async stop() {
      await server.close();
      await events.close();
      await store.close();
    },
  };
}
