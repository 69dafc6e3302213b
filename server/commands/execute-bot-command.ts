import type { ChatMessage, ScheduleView } from '../../protocol/index.ts';
import type { ChatService } from '../chat/chat-service.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Logger } from '../logger.ts';
import type { RunService } from '../runs/run-service.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import type { SlackLinkCodes } from '../slack/slack-link-codes.ts';
import type { Store } from '../store/store.ts';
import { BOT_COMMAND_HELP, type BotCommand } from './bot-commands.ts';
import { describePlanSteps, describeRun, isFinal, plural, runUrl, shortId, type RunWithPlan } from './describe-run.ts';

// The one place bot commands are carried out, whether typed into the chat or sent from Slack
// (ARCHITECTURE D13: they call the same services as the chat and the API). Services throw coded
// SkipperErrors; this turns them into an answer a person can act on, so a command always gets one.

/** Who sent the command, and from where. */
export type BotCaller =
  /** Typed into a conversation: `replyTo` is the message holding the command. */
  | { via: 'chat'; ownerId: string; conversationId: string; replyTo: string }
  /** Sent from Slack by a Slack user, acting as the skipper user it is linked to (null: none yet). */
  | { via: 'slack'; teamId: string; userId: string; ownerId: string | null };

export type BotOutcome = {
  /** The answer, as text that reads the same as Markdown and as Slack mrkdwn (ids in backticks, bare URLs). */
  text: string;
  /** The reply the command already posted in the conversation (a run or a plan, typed into the chat). */
  message?: ChatMessage;
  /** The run the command started or reports on, for a richer view (Slack's blocks). */
  run?: RunWithPlan;
  /** The command started `run`: its result is owed when it ends. */
  started?: boolean;
};

export type BotCommandExecutor = {
  /** Carries out the command for the caller. Never throws: failures come back as an answer. */
  execute(caller: BotCaller, command: BotCommand): Promise<BotOutcome>;
};

export type BotCommandExecutorOptions = {
  store: Store;
  chat: Pick<ChatService, 'startTask'>;
  runs: Pick<RunService, 'cancel'>;
  /** Saved tasks on schedules; without them, schedule commands say schedules are not available. */
  schedules?: ScheduleService;
  /** Links Slack users to skipper users (`/link`); without it, `/link` says Slack is not set up. */
  linkCodes?: SlackLinkCodes;
  /** Where people reach skipper, for links to runs. */
  publicUrl(): string;
  logger: Logger;
};

const NOT_LINKED =
  'This Slack account is not linked to skipper yet, so I cannot act for it. In skipper, choose Link Slack in the sidebar to get a one-time code, then send `/link CODE` here.';
const NO_SCHEDULES = 'Schedules are not available on this skipper yet, so there is nothing to schedule, list, pause or resume.';

export function createBotCommandExecutor(options: BotCommandExecutorOptions): BotCommandExecutor {
  const { store, chat, runs, schedules, linkCodes, logger } = options;
  const publicUrl = () => options.publicUrl();

  /** The full id of the owner's run whose id is `idOrPrefix` or starts with it. */
  async function resolveRunId(ownerId: string, idOrPrefix: string): Promise<string> {
    if (idOrPrefix.length === 36) return idOrPrefix;
    const ids = await store.runs.idsStartingWith(ownerId, idOrPrefix, 2);
    if (ids.length === 0) throw new SkipperError('not-found', `You have no run whose id starts with \`${idOrPrefix}\`.`);
    if (ids.length > 1) throw new SkipperError('conflict', `Several of your runs have ids starting with \`${idOrPrefix}\`: type more of the id.`);
    return ids[0]!;
  }

  async function findRun(ownerId: string, runId: string | undefined): Promise<RunWithPlan> {
    if (!runId) {
      const latest = await store.runs.latest(ownerId);
      if (!latest) throw new SkipperError('not-found', 'You have no runs yet. Start one with `/run <task>`.');
      return latest;
    }
    const found = await store.runs.get(ownerId, await resolveRunId(ownerId, runId));
    if (!found) throw new SkipperError('not-found', `You have no run whose id starts with \`${runId}\`.`);
    return found;
  }

  function requireSchedules(): ScheduleService {
    if (!schedules) throw new SkipperError('not-found', NO_SCHEDULES);
    return schedules;
  }

  async function scheduleId(service: ScheduleService, ownerId: string, idOrPrefix: string): Promise<string> {
    try {
      return await service.resolveId(ownerId, idOrPrefix);
    } catch (error) {
      if (SkipperError.isInstance(error) && error.code === 'not-found') {
        throw new SkipperError('not-found', `You have no schedule whose id starts with \`${idOrPrefix}\`. See \`/schedules\`.`);
      }
      throw error;
    }
  }

  async function carryOut(caller: BotCaller, command: BotCommand): Promise<BotOutcome> {
    if (command.name === 'help') return { text: caller.via === 'slack' && !caller.ownerId ? `${NOT_LINKED}\n${BOT_COMMAND_HELP}` : BOT_COMMAND_HELP };
    if (command.name === 'link') return link(caller, command.code);
    const ownerId = caller.ownerId;
    // An unlinked Slack user learns how to link, and nothing else happens.
    if (!ownerId) return { text: NOT_LINKED };
    const inChat = caller.via === 'chat' ? { conversationId: caller.conversationId, replyTo: caller.replyTo } : {};

    switch (command.name) {
      case 'run': {
        const started = await chat.startTask(ownerId, { task: command.task, ...inChat });
        const run = started.run!;
        const count = started.plan.steps.length;
        return {
          text: `Running ${count} ${plural(count, 'step')} as run \`${shortId(run.id)}\`: ${runUrl(publicUrl(), run)}`,
          message: started.message,
          run: { run, plan: started.plan },
          started: true,
        };
      }
      case 'plan': {
        const started = await chat.startTask(ownerId, { task: command.task, propose: true, ...inChat });
        const count = started.plan.steps.length;
        return {
          text: `Here is the plan (${count} ${plural(count, 'step')}), not run:\n${describePlanSteps(started.plan.steps)}\nRun, edit or discard it in skipper: ${publicUrl()}/c/${started.conversationId}`,
          message: started.message,
        };
      }
      case 'status':
        return statusOf(await findRun(ownerId, command.runId));
      case 'cancel': {
        const found = await findRun(ownerId, command.runId);
        if (isFinal(found.run)) return { text: `Run \`${shortId(found.run.id)}\` had already ended: ${found.run.status}.` };
        const run = await runs.cancel(ownerId, found.run.id);
        return { text: `Cancelled run \`${shortId(run.id)}\`.`, run: { run, plan: found.plan } };
      }
      case 'schedule': {
        const schedule = await requireSchedules().create(ownerId, {
          when: command.when,
          prompt: command.task,
          ...(caller.via === 'chat' && { conversationId: caller.conversationId }),
        });
        return { text: `Scheduled \`${shortId(schedule.id)}\` “${schedule.name}”: ${schedule.when}. ${nextRun(schedule)}` };
      }
      case 'schedules': {
        const list = await requireSchedules().list(ownerId);
        if (list.length === 0) return { text: 'You have no schedules. Make one with `/schedule "every weekday at 9:00" <task>`.' };
        return { text: [`Your schedules (${list.length}):`, ...list.map(describeSchedule)].join('\n') };
      }
      case 'pause':
      case 'resume': {
        const service = requireSchedules();
        const id = await scheduleId(service, ownerId, command.id);
        const schedule = command.name === 'pause' ? await service.pause(ownerId, id) : await service.resume(ownerId, id);
        const done = command.name === 'pause' ? 'Paused' : 'Resumed';
        return { text: `${done} \`${shortId(schedule.id)}\` “${schedule.name}” (${schedule.when}). ${nextRun(schedule)}` };
      }
    }
  }

  function statusOf(found: RunWithPlan): BotOutcome {
    return { text: describeRun(publicUrl(), found), run: found };
  }

  async function link(caller: BotCaller, code: string): Promise<BotOutcome> {
    if (caller.via === 'chat') {
      return { text: 'Send `/link CODE` from Slack, not here: it links the Slack account that sends it. Get a code with Link Slack in the sidebar.' };
    }
    if (!linkCodes) return { text: 'Slack is not set up on this skipper.' };
    await linkCodes.redeem({ code, teamId: caller.teamId, userId: caller.userId });
    return { text: 'Linked: this Slack account now acts as your skipper account. Try `/run <task>` or `/help`.' };
  }

  return {
    async execute(caller, command) {
      try {
        return await carryOut(caller, command);
      } catch (error) {
        // Coded errors are written for people (the grammar's help, run limits, budgets...).
        if (SkipperError.isInstance(error)) return { text: error.message };
        logger.error({ err: error, command: command.name, via: caller.via }, 'a bot command failed');
        return { text: `Something went wrong on our side while carrying out /${command.name}. Please try again.` };
      }
    },
  };
}

function nextRun(schedule: ScheduleView): string {
  if (schedule.status === 'paused') return 'It is paused: `/resume` starts it again.';
  if (schedule.status === 'done') return 'It will not run again.';
  return schedule.nextRunAt ? `Next run: ${formatTime(schedule.nextRunAt)}.` : '';
}

function describeSchedule(schedule: ScheduleView): string {
  const last = schedule.lastRun ? `; last run ${formatTime(schedule.lastRun.dueAt)}: ${schedule.lastRun.status}` : '';
  const next = schedule.status === 'active' && schedule.nextRunAt ? `; next ${formatTime(schedule.nextRunAt)}` : '';
  return `• \`${shortId(schedule.id)}\` “${schedule.name}”: ${schedule.when}, ${schedule.status}${next}${last}`;
}

/** `2026-06-02 09:00 UTC`: the same for everyone reading it, in the chat or in Slack. */
function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
