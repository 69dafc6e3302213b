import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CreateScheduleBody, ScheduleView } from '../../protocol/index.ts';
import type { ChatService } from '../chat/chat-service.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { createLogger } from '../logger.ts';
import type { RunService } from '../runs/run-service.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import type { Store } from '../store/store.ts';
import { parseBotCommand, type BotCommand } from './bot-commands.ts';
import { createBotCommandExecutor, type BotCaller } from './execute-bot-command.ts';

// The executor's own decisions: who may act, what each schedule command says, and how failures
// read. Runs, plans, status and cancel go through the real services in test/chat-commands.test.ts
// and test/slack-commands.test.ts; here those services are not reached, so none is given.

const OWNER = randomUUID();
const logger = createLogger({ level: 'silent', name: 'test' });
const chat: ChatCaller = { via: 'chat', ownerId: OWNER, conversationId: randomUUID(), replyTo: randomUUID() };
type ChatCaller = Extract<BotCaller, { via: 'chat' }>;
const linked: BotCaller = { via: 'slack', teamId: 'T1', userId: 'U1', ownerId: OWNER };
const unlinked: BotCaller = { via: 'slack', teamId: 'T1', userId: 'U2', ownerId: null };

/** Schedules kept in memory, throwing what the real service throws, until it is wired (server/schedules/). */
function memorySchedules(): ScheduleService & { created: CreateScheduleBody[] } {
  const schedules = new Map<string, ScheduleView>();
  const created: CreateScheduleBody[] = [];
  const find = (ownerId: string, id: string) => {
    const schedule = ownerId === OWNER ? schedules.get(id) : undefined;
    if (!schedule) throw SkipperError.notFound('schedule');
    return schedule;
  };
  const set = (id: string, change: Partial<ScheduleView>) => {
    const schedule = { ...schedules.get(id)!, ...change };
    schedules.set(id, schedule);
    return schedule;
  };
  return {
    created,
    async create(_ownerId, body) {
      if (body.when === 'whenever') throw new SkipperError('invalid-request', 'I cannot read "whenever" as a time: try "every day at 9:00".');
      created.push(body);
      const id = `3f2a9c1e-0000-4000-8000-${String(schedules.size).padStart(12, '0')}`;
      const schedule: ScheduleView = {
        id,
        name: body.prompt!.slice(0, 80),
        when: body.when,
        spec: { kind: 'interval', everyMs: 3_600_000 },
        status: 'active',
        planId: randomUUID(),
        conversationId: body.conversationId ?? randomUUID(),
        prompt: body.prompt!,
        nextRunAt: '2026-06-02T09:00:00.000Z',
        createdAt: '2026-06-01T09:00:00.000Z',
      };
      schedules.set(id, schedule);
      return schedule;
    },
    async list(ownerId) {
      return ownerId === OWNER ? [...schedules.values()] : [];
    },
    async get(ownerId, id) {
      return { schedule: find(ownerId, id), runs: [] };
    },
    async update(ownerId, id) {
      return find(ownerId, id);
    },
    async pause(ownerId, id) {
      find(ownerId, id);
      return set(id, { status: 'paused', nextRunAt: null });
    },
    async resume(ownerId, id) {
      find(ownerId, id);
      return set(id, { status: 'active', nextRunAt: '2026-06-03T09:00:00+02:00' });
    },
    async runNow() {
      throw new Error('not used');
    },
    async delete() {},
    async resolveId(ownerId, prefix) {
      const ids = [...schedules.keys()].filter((id) => ownerId === OWNER && id.startsWith(prefix));
      if (ids.length !== 1) throw new SkipperError(ids.length ? 'invalid-request' : 'not-found', ids.length ? 'Give more of the id.' : 'No schedule.');
      return ids[0]!;
    },
  };
}

/** Services the commands here never reach: any call is a failure of the test. */
const unreachable = new Proxy({}, { get: (_target, name) => { throw new Error(`unexpected use of ${String(name)}`); } });

function executor(options: { schedules?: ScheduleService; chat?: Pick<ChatService, 'startTask'>; runs?: Pick<RunService, 'cancel'> } = {}) {
  return createBotCommandExecutor({
    store: unreachable as Store,
    chat: options.chat ?? (unreachable as ChatService),
    runs: options.runs ?? (unreachable as RunService),
    ...(options.schedules && { schedules: options.schedules }),
    publicUrl: () => 'https://skipper.example.com',
    logger,
  });
}

function command(text: string): BotCommand {
  const parsed = parseBotCommand(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.command;
}

describe('bot commands', () => {
  it('schedules a task, lists, pauses and resumes by a short id', async () => {
    const schedules = memorySchedules();
    const bot = executor({ schedules });
    const made = await bot.execute(chat, command('/schedule "every hour" check the staging dashboard'));
    expect(made.text).toBe('Scheduled `3f2a9c1e` “check the staging dashboard”: every hour. Next run: 2026-06-02 09:00 UTC.');
    // Typed into a conversation, its runs go there.
    expect(schedules.created).toEqual([{ when: 'every hour', prompt: 'check the staging dashboard', conversationId: chat.conversationId }]);
    await bot.execute(linked, command('/schedule "every day at 9:00" log in to the bank'));
    expect(schedules.created[1]).toEqual({ when: 'every day at 9:00', prompt: 'log in to the bank' });

    expect((await bot.execute(linked, command('/schedules'))).text).toBe(
      [
        'Your schedules (2):',
        '• `3f2a9c1e` “check the staging dashboard”: every hour, active; next 2026-06-02 09:00 UTC',
        '• `3f2a9c1e` “log in to the bank”: every day at 9:00, active; next 2026-06-02 09:00 UTC',
      ].join('\n'),
    );
    // Two schedules start with 3f2a9c1e: the service asks for more of the id.
    expect((await bot.execute(linked, command('/pause 3f2a9c1e'))).text).toBe('Give more of the id.');
    expect((await bot.execute(linked, command('/pause 3f2a9c1e-0000-4000-8000-000000000001'))).text).toBe(
      'Paused `3f2a9c1e` “log in to the bank” (every day at 9:00). It is paused: `/resume` starts it again.',
    );
    expect((await bot.execute(linked, command('/resume 3f2a9c1e-0000-4000-8000-000000000001'))).text).toBe(
      'Resumed `3f2a9c1e` “log in to the bank” (every day at 9:00). Next run: 2026-06-03 07:00 UTC.',
    );
    expect((await bot.execute(linked, command('/pause abcd1234'))).text).toBe('You have no schedule whose id starts with `abcd1234`. See `/schedules`.');
    expect((await bot.execute(linked, command('/schedule "whenever" do it'))).text).toBe('I cannot read "whenever" as a time: try "every day at 9:00".');
  });

  it('says clearly when schedules are not available', async () => {
    const bot = executor();
    for (const text of ['/schedule "every hour" check it', '/schedules', '/pause 3f2a', '/resume 3f2a']) {
      expect((await bot.execute(linked, command(text))).text).toMatch(/^Schedules are not available on this skipper yet/);
    }
  });

  it('lets an unlinked Slack user only read help and link', async () => {
    const bot = executor({ schedules: memorySchedules() });
    for (const text of ['/run go to example.com', '/plan go', '/status', '/cancel 3f2a', '/schedules', '/pause 3f2a', '/schedule "every hour" x']) {
      expect((await bot.execute(unlinked, command(text))).text).toMatch(/^This Slack account is not linked to skipper yet/);
    }
    const help = await bot.execute(unlinked, command('/help'));
    expect(help.text).toMatch(/not linked[\s\S]*`\/run <task>`/);
    expect((await bot.execute(unlinked, command('/link 7KQ2-M9XD'))).text).toBe('Slack is not set up on this skipper.');
    expect((await bot.execute(linked, command('/help'))).text).not.toContain('not linked');
  });

  it("turns a service's coded error into its message, and anything else into an apology", async () => {
    const failing = (error: Error) => executor({ chat: { startTask: () => Promise.reject(error) } });
    const limit = new SkipperError('too-many-runs', 'You already have 50 runs waiting, the most allowed at once.');
    expect(await failing(limit).execute(chat, command('/run go to example.com'))).toEqual({ text: limit.message });
    expect(await failing(new Error('connection reset')).execute(linked, command('/plan go to example.com'))).toEqual({
      text: 'Something went wrong on our side while carrying out /plan. Please try again.',
    });
  });
});
