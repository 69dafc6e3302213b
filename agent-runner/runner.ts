import type { Browser } from 'playwright-core';
import { MAX_ERROR_MESSAGE_LENGTH, PROTOCOL_VERSION, type RunAssign } from '../protocol/index.ts';
import { connectToServer } from './connection/server-connection.ts';
import type { Logger } from './logger.ts';
import { createWarmPages } from './browser/run-pages.ts';
import { executeRun } from './run/execute-run.ts';

export type RunnerOptions = {
  serverUrl: string;
  token: string;
  name: string;
  concurrency: number;
  /** Opens the browser; called again if it crashes or is closed. */
  openBrowser(): Promise<Browser>;
  logger: Logger;
  /** The server refused this runner for good. */
  onFatal(message: string): void;
};

export type Runner = {
  /** Disconnects, cancels runs in progress and closes the browser. */
  stop(): Promise<void>;
};

type ActiveRun = { attempt: number; controller: AbortController };

/**
 * Connects to the server and executes the runs it assigns, each in a fresh context of
 * one shared browser. If the connection drops, runs in progress are abandoned: the server
 * has already given them back to the queue, so finishing them would only be ignored.
 */
export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const { logger } = options;
  let browserReady: Promise<Browser> | undefined;

  /** The shared browser, launched again if it crashed or was closed. */
  function currentBrowser(): Promise<Browser> {
    browserReady ??= options.openBrowser().then(
      (opened) => {
        opened.once('disconnected', () => {
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
  const browserVersion = (await currentBrowser()).version();
  const pages = createWarmPages(currentBrowser);
  void pages.refill();
  const active = new Map<string, ActiveRun>();
  let heartbeat: NodeJS.Timeout | undefined;

  const connection = connectToServer({
    url: options.serverUrl,
    token: options.token,
    logger,
    hello: () => ({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      runner: { name: options.name, capacity: options.concurrency, browser: `Chromium ${browserVersion}` },
    }),
    onWelcome(welcome) {
      logger.info({ runnerId: welcome.runnerId }, 'connected to the server');
      clearInterval(heartbeat);
      heartbeat = setInterval(() => {
        const runs = [...active].map(([runId, run]) => ({ runId, attempt: run.attempt }));
        connection.send({ type: 'heartbeat', runs });
      }, welcome.heartbeatMs);
    },
    onInstruction(instruction) {
      if (instruction.type === 'run-assign') {
        void execute(instruction);
        return;
      }
      const run = active.get(instruction.runId);
      if (run?.attempt === instruction.attempt) run.controller.abort();
    },
    onDisconnect() {
      clearInterval(heartbeat);
      for (const run of active.values()) run.controller.abort();
    },
    onFatal: options.onFatal,
  });

  async function execute(assignment: RunAssign) {
    const controller = new AbortController();
    active.set(assignment.runId, { attempt: assignment.attempt, controller });
    logger.info({ runId: assignment.runId, attempt: assignment.attempt, steps: assignment.steps.length }, 'run started');
    try {
      const end = await executeRun({
        openPage: () => pages.take(),
        assignment,
        signal: controller.signal,
        onMessage: (message) => connection.send(message),
        onScreenshot: (header, jpeg) => connection.sendScreenshot(header, jpeg),
      });
      if (!controller.signal.aborted || end.status === 'cancelled') connection.send(end);
      logger.info({ runId: assignment.runId, status: end.status }, 'run ended');
    } catch (error) {
      logger.error({ err: error, runId: assignment.runId }, 'run crashed');
      connection.send({
        type: 'run-end',
        runId: assignment.runId,
        attempt: assignment.attempt,
        status: 'failed',
        error: { code: 'browser-error', message: `The browser failed: ${(error as Error).message}`.slice(0, MAX_ERROR_MESSAGE_LENGTH) },
      });
    } finally {
      active.delete(assignment.runId);
      void pages.refill();
    }
  }

  return {
    async stop() {
      clearInterval(heartbeat);
      await connection.close();
      for (const run of active.values()) run.controller.abort();
      await pages.close();
      const browser = await browserReady?.catch(() => undefined);
      await browser?.close().catch(() => {});
    },
  };
}
