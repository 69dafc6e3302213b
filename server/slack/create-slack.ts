import type { BotCommandExecutor } from '../commands/execute-bot-command.ts';
import type { EventPort } from '../events/event-port.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { createSlackCommandHandler, type SlackCommandHandler } from './slack-commands.ts';
import type { SlackLinkCodes } from './slack-link-codes.ts';
import { createSlackReplies } from './slack-replies.ts';

export type Slack = {
  commands: SlackCommandHandler;
  linkCodes: SlackLinkCodes;
  /** Starts delivering run results owed to Slack. */
  start(): void;
  /** Stops delivering; gives deliveries under way a few seconds. */
  stop(): Promise<void>;
};

export type SlackOptions = {
  /** SLACK_SIGNING_SECRET. */
  signingSecret: string;
  linkCodes: SlackLinkCodes;
  executor: BotCommandExecutor;
  store: Store;
  events: EventPort;
  logger: Logger;
  publicUrl(): string;
  /** Origins a response_url may have. Default: Slack's (https://hooks.slack.com) only. */
  responseOrigins?: readonly string[];
  /** The clock signatures are checked against. Default Date.now. */
  now?: () => number;
};

/** Slack's slash commands, and the delivery of their runs' results to response_url. */
export function createSlack(options: SlackOptions): Slack {
  const { signingSecret, linkCodes, executor, store, events, logger, publicUrl } = options;
  const replies = createSlackReplies({ store, events, logger, publicUrl, ...(options.responseOrigins && { allowedOrigins: options.responseOrigins }) });
  const commands = createSlackCommandHandler({ signingSecret, store, executor, replies, logger, publicUrl, ...(options.now && { now: options.now }) });
  return { commands, linkCodes, start: replies.start, stop: replies.stop };
}
