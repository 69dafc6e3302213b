import { setTimeout as sleep } from 'node:timers/promises';
import { isFinal } from '../commands/describe-run.ts';
import type { EventPort } from '../events/event-port.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { runMessage, type SlackMessage } from './slack-blocks.ts';

/** Where Slack's response_urls live; nothing else is ever POSTed to (a forged URL must not reach internal hosts). */
export const SLACK_RESPONSE_ORIGINS: readonly string[] = ['https://hooks.slack.com'];
/** Slack takes replies to a response_url for 30 minutes (at most five). */
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
const SEND_TIMEOUT_MS = 10_000;
const RETRY_DELAYS_MS = [1_000, 3_000];
/** Owed replies looked at after the event connection was lost, and at start. */
const SWEEP_LIMIT = 200;
/** How long closing waits for deliveries under way before it cuts them off. */
const CLOSE_GRACE_MS = 5_000;

export type SlackReplies = {
  /** Whether skipper may POST to this response_url: an allowed origin, no credentials in it. */
  allowed(responseUrl: string): boolean;
  /** POSTs a message to an allowed response_url, retrying twice on network errors and 5xx; logs if it cannot. */
  send(responseUrl: string, message: SlackMessage): Promise<void>;
  /**
   * The run's result is owed to `responseUrl`: it is POSTed when the run ends, by whichever
   * instance hears `run-ended` first (or at once, if it has ended already).
   */
  owe(input: { runId: string; ownerId: string; responseUrl: string }): Promise<void>;
  /** Work that goes on after the command was acknowledged (logged if it fails; waited for by `stop`). */
  inBackground(work: () => Promise<void>): void;
  /** Listens for runs ending, and delivers what was owed while no one listened. */
  start(): void;
  /** Stops listening, and gives deliveries under way a few seconds to finish (without retrying). */
  stop(): Promise<void>;
};

export type SlackRepliesOptions = {
  store: Store;
  events: EventPort;
  logger: Logger;
  publicUrl(): string;
  /** Origins response_urls may have. Default: Slack's only (`SLACK_RESPONSE_ORIGINS`); tests add a local server. */
  allowedOrigins?: readonly string[];
  fetch?: typeof fetch;
};

/** Whether `responseUrl` has one of `origins` (scheme, host and port exactly) and no credentials. */
export function isAllowedResponseUrl(responseUrl: string, origins: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return false;
  }
  return origins.has(url.origin) && !url.username && !url.password;
}

export function createSlackReplies(options: SlackRepliesOptions): SlackReplies {
  const { store, events, logger } = options;
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const origins = new Set(options.allowedOrigins ?? SLACK_RESPONSE_ORIGINS);
  const stopping = new AbortController();
  const underway = new Set<Promise<void>>();
  const unsubscribe: (() => void)[] = [];
  let closing = false;

  function track(work: Promise<void>) {
    const tracked = work.catch((error: unknown) => logger.error({ err: error }, 'a Slack reply failed'));
    underway.add(tracked);
    void tracked.finally(() => underway.delete(tracked));
  }

  const allowed = (responseUrl: string) => isAllowedResponseUrl(responseUrl, origins);

  async function send(responseUrl: string, message: SlackMessage): Promise<void> {
    if (!allowed(responseUrl)) {
      logger.warn('a Slack reply was not sent: its response_url is not one of Slack\'s');
      return;
    }
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      try {
        const response = await fetchImplementation(responseUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(message),
          // A redirect could lead anywhere: Slack does not redirect these.
          redirect: 'error',
          signal: AbortSignal.any([AbortSignal.timeout(SEND_TIMEOUT_MS), stopping.signal]),
        });
        await response.body?.cancel();
        if (response.ok) return;
        problem = `Slack answered ${response.status}`;
        if (response.status < 500) break;
      } catch (error) {
        problem = (error as Error).message;
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || closing) {
        logger.warn({ problem }, 'a Slack reply could not be delivered');
        return;
      }
      await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
    }
    logger.warn('a Slack reply was refused by Slack');
  }

  /** Delivers the reply owed for a run that ended, if this instance is the first to claim it. */
  async function deliver(runId: string): Promise<void> {
    const owed = await store.slackLinks.takePendingReply(runId);
    if (!owed) return;
    const found = await store.runs.get(owed.ownerId, runId);
    if (found) await send(owed.responseUrl, { ...runMessage(options.publicUrl(), found), replace_original: false });
  }

  async function sweep(): Promise<void> {
    for (const { runId, ownerId } of await store.slackLinks.pendingReplies(SWEEP_LIMIT)) {
      const found = await store.runs.get(ownerId, runId);
      if (found && isFinal(found.run)) await deliver(runId);
    }
  }

  return {
    allowed,
    send,
    async owe({ runId, ownerId, responseUrl }) {
      if (!allowed(responseUrl)) return;
      await store.slackLinks.addPendingReply({ runId, ownerId, responseUrl, expiresAt: new Date(Date.now() + RESPONSE_URL_TTL_MS) });
      // It may have ended before the reply was owed, and the event gone by.
      const found = await store.runs.get(ownerId, runId);
      if (found && isFinal(found.run)) await deliver(runId);
    },
    start() {
      unsubscribe.push(
        events.subscribe('run-ended', (event) => track(deliver(event.runId))),
        events.onGap(() => track(sweep())),
      );
      track(sweep());
    },
    inBackground: (work) => track(work()),
    async stop() {
      for (const stop of unsubscribe.splice(0)) stop();
      closing = true;
      await Promise.race([Promise.all(underway), sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
      stopping.abort();
      await Promise.all(underway);
    },
  };
}
