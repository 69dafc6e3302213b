// Slash commands, the same typed into the chat and sent from Slack (or anything that speaks
// Slack's slash-command format): `/run <task>`, `/plan <task>`, `/schedule "<when>" <task>`,
// `/schedules`, `/pause <id>`, `/resume <id>`, `/status [run id]`, `/cancel <run id>`,
// `/link <code>`, `/help`. Slack may send them as their own commands (`/run`) or as words
// after one app command (`/skipper run …`).

export type BotCommand =
  | { name: 'run'; task: string }
  | { name: 'plan'; task: string }
  | { name: 'schedule'; when: string; task: string }
  | { name: 'schedules' }
  | { name: 'pause'; id: string }
  | { name: 'resume'; id: string }
  | { name: 'status'; runId?: string }
  | { name: 'cancel'; runId: string }
  | { name: 'link'; code: string }
  | { name: 'help' };
export type BotCommandName = BotCommand['name'];

/**
 * A command, or what is wrong with the input. `name` is set when the input names a known
 * command whose arguments are wrong (`/run` with no task), so callers can tell a bad command
 * from text that is not a command at all (`/demo/login`).
 */
export type ParsedBotCommand = { ok: true; command: BotCommand } | { ok: false; problem: string; name?: BotCommandName };

export const BOT_COMMAND_HELP = [
  '`/run <task>`: plan the task and run it now',
  '`/plan <task>`: show the plan without running it',
  '`/schedule "<when>" <task>`: run the task on a schedule, e.g. `/schedule "every weekday at 9:00" check the staging dashboard`',
  '`/schedules`: your schedules and their next runs',
  '`/pause <schedule id>`, `/resume <schedule id>`: stop and restart a schedule',
  '`/status [run id]`: how a run went (your latest without an id)',
  '`/cancel <run id>`: stop a run',
  '`/link <code>`: connect this Slack account to your skipper account (get the code in skipper)',
  '`/help`: this list',
].join('\n');

/** Longest task a command may carry, like a chat message. */
const MAX_TASK_LENGTH = 20_000;
/** A schedule or run id: a whole UUID or the start of one (at least 4 characters). */
const ID = /^[0-9a-f]{4,8}(?:-[0-9a-f]{0,4}){0,4}[0-9a-f]*$/i;
export const BOT_COMMAND_NAMES: readonly BotCommandName[] = ['run', 'plan', 'schedule', 'schedules', 'pause', 'resume', 'status', 'cancel', 'link', 'help'];

/**
 * Reads a command from what was typed (`/run check the dashboard`) or from Slack's `command`
 * and `text` fields. `appCommand` is the app's own command name, after which the first word
 * names the skipper command.
 */
export function parseBotCommand(input: string, { appCommand = 'skipper' }: { appCommand?: string } = {}): ParsedBotCommand {
  const text = input.trim();
  const head = /^\/([a-z][\w-]*)\s*([\s\S]*)$/i.exec(text);
  if (!head) return { ok: false, problem: `Commands start with a slash, like /run or /help.\n${BOT_COMMAND_HELP}` };
  let name = head[1]!.toLowerCase();
  let rest = head[2]!.trim();
  if (name === appCommand.toLowerCase()) {
    const sub = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    name = sub ? sub[1]!.toLowerCase().replace(/^\//, '') : 'help';
    rest = sub ? sub[2]!.trim() : '';
  }
  if (!isBotCommandName(name)) return { ok: false, problem: `I do not know the command /${name}.\n${BOT_COMMAND_HELP}` };
  const parsed = parseArguments(name, rest);
  return parsed.ok ? parsed : { ...parsed, name };
}

export function isBotCommandName(name: string): name is BotCommandName {
  return (BOT_COMMAND_NAMES as readonly string[]).includes(name);
}

function parseArguments(name: BotCommandName, rest: string): ParsedBotCommand {
  switch (name) {
    case 'run':
    case 'plan':
      return task(rest, name, (value) => ({ name, task: value }));
    case 'schedule': {
      // The time is quoted (straight or curly quotes) so that the task after it can contain anything.
      const quoted = /^["“”']([^"“”']+)["“”']\s*([\s\S]*)$/.exec(rest);
      if (!quoted || !quoted[1]!.trim()) return { ok: false, problem: 'Put when in quotes, then the task: /schedule "every weekday at 9:00" check the staging dashboard' };
      return task(quoted[2]!, 'schedule', (value) => ({ name: 'schedule', when: quoted[1]!.trim(), task: value }));
    }
    case 'schedules':
    case 'help':
      return rest ? { ok: false, problem: `/${name} takes nothing after it.` } : { ok: true, command: { name } };
    case 'pause':
    case 'resume':
      return id(rest, `/${name} needs the id of one of your schedules (see /schedules).`, (value) => ({ name, id: value }));
    case 'cancel':
      return id(rest, '/cancel needs the id of a run.', (value) => ({ name: 'cancel', runId: value }));
    case 'status':
      if (!rest) return { ok: true, command: { name: 'status' } };
      return id(rest, '/status takes the id of a run, or nothing for your latest run.', (value) => ({ name: 'status', runId: value }));
    case 'link':
      return /^[A-Za-z0-9-]{6,64}$/.test(rest)
        ? { ok: true, command: { name: 'link', code: rest.toUpperCase() } }
        : { ok: false, problem: '/link needs the code skipper showed you, like /link 7KQ2-M9XD.' };
  }
}

function task(value: string, name: string, make: (task: string) => BotCommand): ParsedBotCommand {
  const trimmed = value.trim();
  if (!trimmed) return { ok: false, problem: `/${name} needs a task, like /${name === 'schedule' ? 'schedule "every day at 9:00"' : name} check the staging dashboard.` };
  if (trimmed.length > MAX_TASK_LENGTH) return { ok: false, problem: `The task is longer than ${MAX_TASK_LENGTH.toLocaleString('en')} characters.` };
  return { ok: true, command: make(trimmed) };
}

function id(value: string, problem: string, make: (id: string) => BotCommand): ParsedBotCommand {
  return ID.test(value) ? { ok: true, command: make(value.toLowerCase()) } : { ok: false, problem };
}
