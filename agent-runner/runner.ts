import { randomUUID } from 'node:crypto';
import { MAX_ERROR_MESSAGE_LENGTH, PROTOCOL_VERSION, toStorableText, type RunAssign, type Welcome } from '../protocol/index.ts';
import { createStagehandSessions } from './ai/stagehand-sessions.ts';
import type { OpenedBrowser } from './browser/open-browser.ts';
import { createAttachmentFetcher } from './connection/attachments.ts';
import { createModelCalls } from './connection/model-calls.ts';
import { createRunOutbox, type RunEvent } from './connection/run-outbox.ts';
import { connectToServer } from './connection/server-connection.ts';
import type { Logger } from './logger.ts';
import { createWarmPages, needsOwnContext, newRunPage } from './browser/run-pages.ts';
import { forgetModelKeys } from './model-keys.ts';
import { executeRun } from './run/execute-run.ts';

export type RunnerOptions = {
  serverUrl: string;
  token: string;
  name: string;
  concurrency: number;
  /** Opens the browser; called again if it crashes or is closed. */
  openBrowser(): Promise<OpenedBrowser>;
  logger: Logger;
  /** The server refused this runner for good. */
  onFatal(message: string): void;
};

export type Runner = {
  /** Disconnects, cancels runs in progress and closes the browser. */
  stop(): Promise<void>;
};

/** The close code of a server that is restarting (RFC 6455 §7.4.1). */
const SERVICE_RESTART = 1012;

type ActiveRun = {
  attempt: number;
  controller: AbortController;
  /** Set when the run must report nothing more: cancelled, or taken back by the server. */
  silenced: boolean;
};

/**
 * Connects to the server and executes the runs it assigns, each in a fresh context of one
 * shared browser. A dropped connection does not stop a run: its events are kept (the outbox)
 * and sent once the runner is back, and the server continues where it left off. Only when the
 * runner cannot reconnect within the server's grace period are its runs given up.
 */
export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const { logger } = options;
  // Runners hold no model key (ARCHITECTURE D5): Stagehand, and the provider SDKs it bundles,
  // would pick one up from the environment and call a provider directly, unmetered.
  forgetModelKeys(process.env);
  const runnerId = randomUUID();
  let browserReady: Promise<OpenedBrowser> | undefined;

  /** The shared browser, launched again if it crashed or was closed. */
  function currentBrowser(): Promise<OpenedBrowser> {
    browserReady ??= options.openBrowser().then(
      (opened) => {
        opened.browser.once('disconnected', () => {
          browserReady = undefined;
        });
        return opened;
      },
      (error: unknown) => {
        browserReady = undefined;
        throw error;
      },
    );
    return browserReady;
  }

  // Launch before connecting, so a missing browser is reported at start, not at the first run.
  const browserVersion = (await currentBrowser()).browser.version();
  const pages = createWarmPages(async () => (await currentBrowser()).browser);
  const stagehand = createStagehandSessions({ currentBrowser, logger });
  void pages.refill();
  const active = new Map<string, ActiveRun>();
  const outbox = createRunOutbox();
  const fetchAttachment = createAttachmentFetcher({ serverUrl: options.serverUrl, token: options.token, runnerId });
  let heartbeat: NodeJS.Timeout | undefined;
  let giveUpTimer: NodeJS.Timeout | undefined;
  let patience = { leaseMs: 0, reconnectGraceMs: 0 };

  /** Stops a run and drops its events: the server no longer wants to hear about it. */
  function abandon(runId: string, why: string) {
    const run = active.get(runId);
    if (run) {
      run.silenced = true;
      run.controller.abort();
    }
    outbox.forget(runId);
    logger.info({ runId, why }, 'run abandoned');
  }

  function report(run: ActiveRun, event: RunEvent) {
    if (run.silenced) return;
    connection.send(outbox.push(event));
  }

  // Model calls of AI steps travel on the same socket; `connection` is assigned before any is made.
  const modelCalls = createModelCalls({ send: (message) => connection.send(message) });
  const connection = connectToServer({
    url: options.serverUrl,
    token: options.token,
    logger,
    holdingRuns: () => active.size > 0 || outbox.held().length > 0,
    hello: () => ({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      runner: { id: runnerId, name: options.name, capacity: options.concurrency, browser: `Chromium ${browserVersion}` },
      runs: heldRuns(),
    }),
    onWelcome(welcome) {
      clearTimeout(giveUpTimer);
      patience = { leaseMs: welcome.leaseMs, reconnectGraceMs: welcome.reconnectGraceMs };
      logger.info({ runnerId, resumed: welcome.resumed.length }, 'connected to the server');
      resume(welcome);
      // After resume, which stopped the runs the server no longer gives this runner (and their calls).
      modelCalls.resendAll();
      clearInterval(heartbeat);
      heartbeat = setInterval(() => connection.send({ type: 'heartbeat', runs: heldRuns() }), welcome.heartbeatMs);
    },
    onInstruction(instruction) {
      if (instruction.type === 'run-assign') void execute(instruction);
      else if (instruction.type === 'ack') outbox.acknowledge(instruction.runId, instruction.attempt, instruction.seq);
      else if (active.get(instruction.runId)?.attempt === instruction.attempt) abandon(instruction.runId, 'cancelled by the server');
    },
    onModelReply: (reply) => modelCalls.settle(reply),
    onDisconnect(code) {
      clearInterval(heartbeat);
      if (active.size === 0 && outbox.held().length === 0) return;
      // A restarting server keeps our runs for a whole lease; after a network cut, for the grace period.
      const waitMs = code === SERVICE_RESTART ? patience.leaseMs : patience.reconnectGraceMs;
      logger.warn({ runs: active.size, waitMs }, 'lost the server; runs continue while reconnecting');
      // Past that the server has given these runs to someone else: stop spending the browser on them.
      clearTimeout(giveUpTimer);
      giveUpTimer = setTimeout(() => {
        for (const { runId } of heldRuns()) abandon(runId, 'the server did not come back in time');
      }, waitMs);
    },
    onFatal: options.onFatal,
  });

  /** Runs the server should keep for this runner: executing, or with events not yet applied. */
  function heldRuns(): { runId: string; attempt: number }[] {
    const held = new Map(outbox.held().map((run) => [run.runId, run]));
    for (const [runId, run] of active) if (!run.silenced) held.set(runId, { runId, attempt: run.attempt });
    return [...held.values()].slice(0, 64);
  }

  /** After a reconnection: continue the runs the server kept for us, sending what it missed; stop the rest. */
  function resume(welcome: Welcome) {
    const kept = new Map(welcome.resumed.map((run) => [run.runId, run]));
    for (const { runId, attempt } of heldRuns()) {
      const resumed = kept.get(runId);
      if (!resumed || resumed.attempt !== attempt) {
        abandon(runId, 'the server took it back');
        continue;
      }
      for (const frame of outbox.unsentAfter(runId, attempt, resumed.seq)) connection.send(frame);
    }
  }

  async function execute(assignment: RunAssign) {
    const run: ActiveRun = { attempt: assignment.attempt, controller: new AbortController(), silenced: false };
    active.set(assignment.runId, run);
    logger.info({ runId: assignment.runId, attempt: assignment.attempt, steps: assignment.steps.length }, 'run started');
    const setup = { browser: assignment.browser, storageState: assignment.storageState };
    try {
      const end = await executeRun({
        // The spare page has the default options and no saved session.
        openPage: needsOwnContext(setup) ? async () => newRunPage((await currentBrowser()).browser, setup) : () => pages.take(),
        assignment,
        signal: run.controller.signal,
        ai: { callModel: modelCalls.callModel, stagehand },
        fetchAttachment,
        logger: logger.child({ runId: assignment.runId }),
        onMessage: (message) => report(run, message),
        onScreenshot: (header, jpeg) => report(run, { type: 'step-screenshot', header, jpeg }),
        onDownload: (header, bytes) => report(run, { type: 'step-download', header, bytes }),
      });
      report(run, end);
      logger.info({ runId: assignment.runId, status: end.status }, 'run ended');
    } catch (error) {
      logger.error({ err: error, runId: assignment.runId }, 'run crashed');
      report(run, {
        type: 'run-end',
        runId: assignment.runId,
        attempt: assignment.attempt,
        status: 'failed',
        error: { code: 'browser-error', message: toStorableText(`The browser failed: ${(error as Error).message}`, MAX_ERROR_MESSAGE_LENGTH) },
      });
    } finally {
      active.delete(assignment.runId);
      void pages.refill();
    }
  }

  return {
    async stop() {
      await connection.close();
      clearInterval(heartbeat);
      clearTimeout(giveUpTimer);
      for (const runId of active.keys()) abandon(runId, 'the runner is stopping');
      await stagehand.close();
      await pages.close();
      const opened = await browserReady?.catch(() => undefined);
      await opened?.browser.close().catch(() => {});
    },
  };
}
