import { z } from 'zod';
import { isBotCommandName, parseBotCommand } from '../commands/bot-commands.ts';
import type { BotCommandExecutor, BotOutcome } from '../commands/execute-bot-command.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { runMessage, textMessage, type SlackMessage } from './slack-blocks.ts';
import type { SlackReplies } from './slack-replies.ts';
import { MAX_SIGNATURE_AGE_SECONDS, verifySlackSignature } from './verify-slack-signature.ts';

// Slack's slash commands (https://api.slack.com/interactivity/slash-commands): a signed
// application/x-www-form-urlencoded POST, answered within 3 seconds; later replies go to the
// command's response_url. Both are Slack's protocol, so this is an edge like HTTP (D13).

/** The fields of a slash command skipper reads; Slack sends more, which are ignored. */
const SlackCommandFormSchema = z.object({
  team_id: z.string().min(1).max(64),
  user_id: z.string().min(1).max(64),
  command: z.string().regex(/^\/[\w-]{1,64}$/, 'is not a slash command'),
  text: z.string().max(21_000).default(''),
  response_url: z.string().max(2_000).optional(),
});

/** The answer is sent by then if the work is done; otherwise the work goes on and reports to response_url. Slack waits 3 s. */
export const DEFAULT_ACK_BUDGET_MS = 2_000;

export type SlackCommandRequest = {
  /** The body exactly as received, before any parsing: it is what Slack signed. */
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  contentType: string | undefined;
};

export type SlackCommandHandler = {
  /**
   * Verifies, reads and answers a slash command, leaving slow work and the run's result to
   * response_url. Throws `unauthorized` for a request Slack did not sign, or signed more than
   * five minutes ago, or sent before (a replay); nothing is done then.
   */
  handle(request: SlackCommandRequest): Promise<SlackMessage>;
};

export type SlackCommandHandlerOptions = {
  signingSecret: string;
  store: Store;
  executor: BotCommandExecutor;
  replies: SlackReplies;
  logger: Logger;
  publicUrl(): string;
  /** Default `DEFAULT_ACK_BUDGET_MS`. */
  ackBudgetMs?: number;
  /** Default Date.now. */
  now?: () => number;
};

export function createSlackCommandHandler(options: SlackCommandHandlerOptions): SlackCommandHandler {
  const { signingSecret, store, executor, replies, logger } = options;
  const now = options.now ?? Date.now;
  const ackBudgetMs = options.ackBudgetMs ?? DEFAULT_ACK_BUDGET_MS;

  function refuse(why: string): never {
    logger.warn({ why }, 'refused a Slack request');
    throw new SkipperError('unauthorized', `This request is not from Slack: ${why}.`);
  }

  function messageFor(outcome: BotOutcome, responseUrl: string | undefined): SlackMessage {
    if (outcome.run && !outcome.started) return runMessage(options.publicUrl(), outcome.run);
    const later = outcome.started && responseUrl && replies.allowed(responseUrl) ? ' I will post the result here when it ends.' : '';
    return textMessage(`${outcome.text}${later}`);
  }

  return {
    async handle({ rawBody, timestamp, signature, contentType }) {
      const check = verifySlackSignature({ signingSecret, timestamp, signature, rawBody, nowSeconds: Math.floor(now() / 1000) });
      if (!check.ok) refuse(check.why);
      // A signed request is good for five minutes either side of its timestamp: within them, the same
      // one again is a replay. Kept by the database's clock (the wall clock), long enough for both sides.
      const forgetAt = new Date(Date.now() + (2 * MAX_SIGNATURE_AGE_SECONDS + 60) * 1000);
      if (!(await store.slackLinks.firstSighting(signature!, forgetAt))) refuse('it was received before (a replay)');
      if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
        throw new SkipperError('unsupported-media-type', 'Send the command as application/x-www-form-urlencoded, as Slack does.');
      }
      const form = SlackCommandFormSchema.safeParse(Object.fromEntries(new URLSearchParams(rawBody.toString('utf8'))));
      if (!form.success) {
        throw new SkipperError('invalid-request', `The command is not a Slack slash command: ${form.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}.`);
      }
      const { team_id: teamId, user_id: userId, command, text, response_url: responseUrl } = form.data;
      // `/run …` is a command of its own; any other app command (`/skipper run …`) names one after it.
      const name = command.slice(1).toLowerCase();
      const parsed = parseBotCommand(`${command} ${text}`, { appCommand: isBotCommandName(name) ? 'skipper' : name });
      if (!parsed.ok) return textMessage(parsed.problem);

      const ownerId = await store.slackLinks.linkedOwner(teamId, userId);
      const work = executor.execute({ via: 'slack', teamId, userId, ownerId }, parsed.command);
      const owe = (outcome: BotOutcome) => {
        if (outcome.started && outcome.run && responseUrl) {
          return replies.owe({ runId: outcome.run.run.id, ownerId: ownerId!, responseUrl });
        }
        return Promise.resolve();
      };
      const timer = new AbortController();
      const quick = await Promise.race([
        work,
        new Promise<undefined>((resolve) => {
          const handle = setTimeout(resolve, ackBudgetMs);
          timer.signal.addEventListener('abort', () => clearTimeout(handle));
        }),
      ]);
      timer.abort();
      if (quick) {
        replies.inBackground(() => owe(quick));
        return messageFor(quick, responseUrl);
      }
      // Slow (a model planning the task): answer now, and send the outcome when it is there.
      replies.inBackground(async () => {
        const outcome = await work;
        if (!responseUrl) return;
        await replies.send(responseUrl, { ...messageFor(outcome, responseUrl), replace_original: false });
        await owe(outcome);
      });
      return textMessage(`Working on /${parsed.command.name}… I will answer here in a moment.`);
    },
  };
}
