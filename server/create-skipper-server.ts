import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatAgent } from './assistant/chat-agent.ts';
import { createReplyStreams } from './assistant/reply-streams.ts';
import { createPeriodicTask } from './background/periodic-task.ts';
import { createChatService, type Assistant } from './chat/chat-service.ts';
import { createBotCommandExecutor, type BotCommandExecutor } from './commands/execute-bot-command.ts';
import { createPlanRepair } from './chat/plan-repair.ts';
import { createPlanService, type PlanService } from './chat/plan-service.ts';
import type { LlmConfig, ServerConfig } from './config.ts';
import { createAttachmentService } from './files/attachment-service.ts';
import { answerClientError } from './http/client-error.ts';
import { createApp } from './http/create-app.ts';
import { createHostCheck } from './http/host-check.ts';
import type { EventPort } from './events/event-port.ts';
import { createConversationHub } from './live/conversation-hub.ts';
import { createUiGateway } from './live/ui-gateway.ts';
import type { Logger } from './logger.ts';
import type { ConversationHub } from './live/conversation-hub.ts';
import { createBrowserStepModel } from './models/browser-step-model.ts';
import { createModels } from './models/create-models.ts';
import { createUsageMeter } from './models/usage-meter.ts';
import { createModelPlanner } from './planner/model-planner.ts';
import { loadPrompt } from './prompts/load-prompt.ts';
import { createRunDispatcher } from './runs/run-dispatcher.ts';
import { createRunService } from './runs/run-service.ts';
import { createRunnerGateway } from './runs/runner-gateway.ts';
import { createRunnerTokenCheck } from './runs/runner-token.ts';
import { createSessionCipher, SESSION_KEY_BYTES } from './sessions/session-cipher.ts';
import { createSessionService } from './sessions/session-service.ts';
import { createPromptPlanner } from './planner/plan-prompt.ts';
import { createScheduleService, type ScheduleService } from './schedules/schedule-service.ts';
import { createScheduleWebhooks } from './schedules/schedule-webhooks.ts';
import { createWebhookSecretCipher } from './schedules/webhook-secret.ts';
import { createSlack } from './slack/create-slack.ts';
import { createSlackLinkCodes } from './slack/slack-link-codes.ts';
import type { FinishedRun, HeldRun, Store } from './store/store.ts';

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
    | 'aiStepTimeoutMs'
    | 'screenshotQuality'
    | 'publicUrl'
    | 'httpHeadersTimeoutMs'
    | 'httpRequestTimeoutMs'
  > &
    Partial<Pick<ServerConfig, 'sessionTtlDays' | 'slackSigningSecret' | 'scheduleMinIntervalMs' | 'scheduleMaxPerUser' | 'scheduleProcessEveryMs'>>;
  store: Store;
  /**
   * The key saved browser sessions are encrypted with (see sessions/session-key.ts). Default: a
   * random key for this process only, so sessions saved by it cannot be read after a restart.
   */
  sessionKey?: Uint8Array;
  logger: Logger;
  /** The built chat UI. Default chat-ui/dist. */
  uiDir?: string;
  /** The language model; without one, only the command grammar is understood. */
  llm?: LlmConfig;
  /** The fetch the model provider uses (tests route it; default global fetch). */
  fetch?: typeof fetch;
  /** Time a new socket (browser or runner) has to say hello before it is closed. Default 10 s. */
  helloTimeoutMs?: number;
  /**
   * Where parts of skipper tell each other what happened (ARCHITECTURE D11): PostgreSQL
   * LISTEN/NOTIFY, so every instance on the database hears it. Owned by the caller.
   */
  events: EventPort;
  /** Schedules' webhooks: waits before each retry (default 1 s, 5 s, 30 s). Tests shorten them. */
  scheduleWebhookRetryDelaysMs?: number[];
  /** Slack's slash commands, when `config.slackSigningSecret` is set. */
  slack?: {
    /**
     * Origins Slack's response_urls may have; skipper POSTs run results to nothing else. Default:
     * https://hooks.slack.com only. Tests add a local server standing in for Slack.
     */
    responseOrigins?: readonly string[];
    /** The clock signatures are checked against. Default Date.now. */
    now?: () => number;
  };
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

/**
 * How often closing messages that were never written (a crash after a run ended), and replies
 * whose writer stopped, are looked for.
 */
const MAINTENANCE_EVERY_MS = 10_000;
/** How long a streaming reply stays `streaming` unless its writer renews it. */
const STREAM_LEASE_MS = 15_000;
/** Schedules' limits and clock when the config does not say (SCHEDULE_MIN_INTERVAL, SCHEDULE_MAX_PER_USER, SCHEDULE_PROCESS_EVERY). */
const DEFAULT_SCHEDULE_MIN_INTERVAL_MS = 60_000;
const DEFAULT_SCHEDULE_MAX_PER_USER = 50;
const DEFAULT_SCHEDULE_PROCESS_EVERY_MS = 5_000;
/** Days a saved browser session is kept when the config does not say (SESSION_TTL_DAYS). */
const DEFAULT_SESSION_TTL_DAYS = 30;

/** The models from the model config, with the meter every call of theirs goes through. */
function createMetering(llm: LlmConfig, store: Store, options: { fetch: typeof fetch | undefined }) {
  const models = createModels(llm, { ...(options.fetch && { fetch: options.fetch }) });
  const meter = createUsageMeter({ store, prices: models.prices, dailyTokensPerUser: llm.dailyTokensPerUser, tokensPerRun: llm.tokensPerRun });
  return { models, meter };
}
type Metering = ReturnType<typeof createMetering>;

/** The assistant: prompts, the planner and the chat agent. */
async function createAssistant(input: {
  llm: LlmConfig;
  metering: Metering;
  store: Store;
  hub: ConversationHub;
  plans: PlanService;
  logger: Logger;
  /** The schedule service, made after the assistant (it plans prompts with the assistant's planner). */
  schedules: () => ScheduleService | undefined;
}): Promise<Assistant> {
  const { llm, metering: { models, meter }, store, hub, plans, logger } = input;
  const [chatPrompt, plannerPrompt, repairPrompt] = await Promise.all([loadPrompt('chat'), loadPrompt('planner'), loadPrompt('repair')]);
  const planner = createModelPlanner({ handle: models.planner, prompt: plannerPrompt, call: models.call });
  const agent = createChatAgent({
    models,
    prompt: chatPrompt,
    meter,
    historyTokens: llm.historyTokens,
    maxSteps: llm.maxSteps,
    logger,
    store,
    hub,
    plans,
    planner,
    schedules: input.schedules,
  });
  const repair = createPlanRepair({
    store,
    planner: createModelPlanner({ handle: models.planner, prompt: repairPrompt, call: models.call }),
    maxAttempts: llm.repairMaxAttempts,
    images: llm.images,
  });
  return { agent, prompt: chatPrompt, planner, meter, historyTokens: llm.historyTokens, repair };
}

/** Wires store, chat, live updates, run dispatch and HTTP into one server. */
export async function createSkipperServer(options: SkipperServerOptions): Promise<SkipperServer> {
  const { config, store, logger, uiDir, helloTimeoutMs, events } = options;
  const localUser = await store.users.ensure('local');
  const hub = createConversationHub({ store, logger, events });
  // The chat service posts closing messages and the dispatcher reports finished runs: each needs the other.
  const onRunFinished = (finished: FinishedRun) => {
    const { run, change } = finished;
    events.publish({ type: 'run-ended', ownerId: change.ownerId, conversationId: change.conversationId, runId: run.id, status: run.status });
    return chat.summarizeRun(finished);
  };
  const metering = options.llm && createMetering(options.llm, store, { fetch: options.fetch });
  const browserModel =
    metering &&
    createBrowserStepModel({
      handle: metering.models.browser,
      call: metering.models.call,
      meter: metering.meter,
      extractRulePrompt: await loadPrompt('extract-rule'),
    });
  // Saved sessions and schedules' webhook secrets are encrypted with keys from this one.
  const sessionKey = options.sessionKey ?? randomBytes(SESSION_KEY_BYTES);
  const sessions = createSessionService({
    store,
    cipher: createSessionCipher({ key: sessionKey }),
    ttlDays: config.sessionTtlDays ?? DEFAULT_SESSION_TTL_DAYS,
  });
  const attachments = createAttachmentService({ store });
  const dispatcher = createRunDispatcher({
    store,
    sessions,
    publish: hub.publish,
    logger,
    leaseMs: config.runLeaseMs,
    reconnectGraceMs: config.runnerReconnectGraceMs,
    maxDurationMs: config.runMaxDurationMs,
    maxRunnerCapacity: config.runnerMaxCapacity,
    settings: { stepTimeoutMs: config.stepTimeoutMs, aiStepTimeoutMs: config.aiStepTimeoutMs, screenshotQuality: config.screenshotQuality },
    ...(browserModel && { browserModel }),
    onRunFinished,
    stopEverywhere: (held) => stopRuns(held),
  });
  // Queued runs and runs to stop concern every instance on the database: the dispatcher of each
  // hears of them through the event port. Queued runs wake this instance's dispatcher at once too.
  const runsQueued = () => {
    dispatcher.wake();
    events.publish({ type: 'runs-queued' });
  };
  const stopRuns = (held: HeldRun[]) => {
    if (held.length > 0) events.publish({ type: 'stop-runs', held });
  };
  events.subscribe('runs-queued', () => dispatcher.wake());
  events.subscribe('stop-runs', (event) => dispatcher.stopHeld(event.held));
  const runLimits = { maxAttempts: config.runMaxAttempts, maxQueued: config.runMaxQueuedPerUser };
  const plans = createPlanService({ store, hub, runLimits, onRunQueued: runsQueued });
  const replies = createReplyStreams({ store, hub, logger, leaseMs: STREAM_LEASE_MS });
  const assistant = options.llm && metering && (await createAssistant({ llm: options.llm, metering, store, hub, plans, logger, schedules: () => schedules }));
  // PUBLIC_URL, or the loopback address once the server listens.
  let publicUrl = config.publicUrl?.replace(/\/$/, '') ?? '';
  const planPrompt = createPromptPlanner({ store, ...(assistant && { assistant }), logger, publicUrl: () => publicUrl });
  const chat = createChatService({
    publicUrl: () => publicUrl,
    planPrompt,
    store,
    hub,
    logger,
    ...(assistant && { assistant }),
    replies,
    streamLeaseMs: STREAM_LEASE_MS,
    runLimits,
    onRunQueued: runsQueued,
    stopRuns,
    // Bound late: the commands run tasks through this chat service.
    botCommands: { execute: (caller, command) => commands.execute(caller, command) },
  });
  const runs = createRunService({ store, publish: hub.publish, onRunFinished, stopRuns });
  const webhookCipher = createWebhookSecretCipher({ key: sessionKey });
  const schedules = createScheduleService({
    store,
    hub,
    events,
    plans,
    planPrompt,
    ...(assistant && { meter: assistant.meter }),
    cipher: webhookCipher,
    webhooks: createScheduleWebhooks({
      store,
      events,
      cipher: webhookCipher,
      logger,
      publicUrl: () => publicUrl,
      ...(options.scheduleWebhookRetryDelaysMs && { retryDelaysMs: options.scheduleWebhookRetryDelaysMs }),
    }),
    limits: { minIntervalMs: config.scheduleMinIntervalMs ?? DEFAULT_SCHEDULE_MIN_INTERVAL_MS, maxPerOwner: config.scheduleMaxPerUser ?? DEFAULT_SCHEDULE_MAX_PER_USER },
    processEveryMs: config.scheduleProcessEveryMs ?? DEFAULT_SCHEDULE_PROCESS_EVERY_MS,
    logger,
  });
  // Bot commands (`/run`, `/status`…), typed into the chat or sent from Slack when SLACK_SIGNING_SECRET is set.
  const slackLinkCodes = config.slackSigningSecret ? createSlackLinkCodes({ store }) : undefined;
  const commands: BotCommandExecutor = createBotCommandExecutor({
    store,
    chat,
    runs,
    schedules,
    ...(slackLinkCodes && { linkCodes: slackLinkCodes }),
    publicUrl: () => publicUrl,
    logger,
  });
  const slack =
    config.slackSigningSecret && slackLinkCodes
      ? createSlack({
          signingSecret: config.slackSigningSecret,
          linkCodes: slackLinkCodes,
          executor: commands,
          store,
          events,
          logger,
          publicUrl: () => publicUrl,
          ...options.slack,
        })
      : undefined;
  const maintenance = createPeriodicTask({
    name: 'posting closing messages, failing abandoned replies and deleting expired sessions',
    everyMs: MAINTENANCE_EVERY_MS,
    async run() {
      await sessions.deleteExpired();
      const abandoned = await store.messages.failAbandonedStreams({
        code: 'internal',
        message: 'The reply was cut off because skipper stopped while writing it. Send your message again.',
      });
      for (const change of abandoned) hub.publish(change);
      await chat.summarizePending();
    },
    logger,
  });

  const hostAllowed = createHostCheck({ listenHost: config.host, ...(config.publicUrl && { publicUrl: config.publicUrl }) });
  const app = createApp({
    hostAllowed,
    store,
    chat,
    plans,
    runs,
    attachments,
    sessions,
    isRunner: createRunnerTokenCheck(config.runnerToken),
    runnerCount: dispatcher.runnerCount,
    logger,
    ownerId: localUser.id,
    uiDir: uiDir ?? new URL('../chat-ui/dist', import.meta.url).pathname,
    schedules,
    // No accounts yet: the single local user is the admin.
    jobsDashboard: { agenda: schedules.agenda, isAdmin: (ownerId: string) => ownerId === localUser.id },
    ...(slack && { slack }),
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
    retainedReplies: replies.retained,
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
          const { port: bound } = httpServer.address() as AddressInfo;
          publicUrl ||= `http://localhost:${bound}`;
          dispatcher.start();
          maintenance.start();
          slack?.start();
          // Schedules start firing once the server answers (a fire's run may be for a runner on it).
          schedules.start().then(() => resolve(bound), reject);
        });
      });
    },
    async close() {
      // First, so no schedule starts a run while the rest shuts down.
      await schedules.stop();
      await runnerGateway.close();
      await replies.close();
      await uiGateway.close();
      await dispatcher.stop();
      await maintenance.stop();
      await slack?.stop();
      await events.idle();
      await hub.idle();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
