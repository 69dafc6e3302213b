import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOT_COMMAND_NAMES, parseBotCommand, type BotCommand } from './bot-commands.ts';

const RUN_ID = '3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c';

describe('slash commands', () => {
  it.each([
    ['/run check the staging dashboard', { name: 'run', task: 'check the staging dashboard' }],
    ['/RUN   go to example.com,\n then take a screenshot ', { name: 'run', task: 'go to example.com,\n then take a screenshot' }],
    ['/plan log in to the bank', { name: 'plan', task: 'log in to the bank' }],
    ['/schedule "every weekday at 9:00" check the staging dashboard', { name: 'schedule', when: 'every weekday at 9:00', task: 'check the staging dashboard' }],
    ['/schedule “every Monday at 8am Europe/Berlin” send me the "errors" chart', { name: 'schedule', when: 'every Monday at 8am Europe/Berlin', task: 'send me the "errors" chart' }],
    ['/schedules', { name: 'schedules' }],
    ['/pause 3f2a9c1e', { name: 'pause', id: '3f2a9c1e' }],
    [`/resume ${RUN_ID.toUpperCase()}`, { name: 'resume', id: RUN_ID }],
    ['/status', { name: 'status' }],
    [`/status ${RUN_ID}`, { name: 'status', runId: RUN_ID }],
    [`/cancel ${RUN_ID}`, { name: 'cancel', runId: RUN_ID }],
    ['/link 7kq2-m9xd', { name: 'link', code: '7KQ2-M9XD' }],
    ['/help', { name: 'help' }],
  ])('reads %j', (text, command) => {
    expect(parseBotCommand(text)).toEqual({ ok: true, command });
  });

  it("reads a command given as a word after the app's own command, as one Slack slash command sends it", () => {
    expect(parseBotCommand('/skipper run check the dashboard')).toEqual({ ok: true, command: { name: 'run', task: 'check the dashboard' } });
    expect(parseBotCommand('/skipper /status')).toEqual({ ok: true, command: { name: 'status' } });
    expect(parseBotCommand('/skipper')).toEqual({ ok: true, command: { name: 'help' } });
    expect(parseBotCommand('/bot schedules', { appCommand: 'bot' })).toEqual({ ok: true, command: { name: 'schedules' } });
  });

  it.each([
    ['check the dashboard', /start with a slash/],
    ['/deploy production', /do not know the command \/deploy/],
    ['/run', /needs a task/],
    ['/run    ', /needs a task/],
    ['/schedule every day check it', /Put when in quotes/],
    ['/schedule "every day"', /needs a task/],
    ['/pause', /needs the id/],
    ['/pause my-schedule', /needs the id/],
    ['/cancel', /needs the id of a run/],
    ['/status latest please', /takes the id of a run/],
    ['/schedules now', /takes nothing after it/],
    ['/link', /needs the code/],
    ['/link <script>', /needs the code/],
    [`/run ${'x'.repeat(20_001)}`, /longer than 20,000/],
  ])('explains what is wrong with %j', (text, problem) => {
    const parsed = parseBotCommand(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });

  it('names the command whose arguments are wrong, and only a known one', () => {
    expect(parseBotCommand('/run')).toMatchObject({ ok: false, name: 'run' });
    expect(parseBotCommand('/skipper pause nope')).toMatchObject({ ok: false, name: 'pause' });
    expect(parseBotCommand('/deploy production')).not.toHaveProperty('name');
    expect(parseBotCommand('/demo/login')).not.toHaveProperty('name');
    expect(parseBotCommand('go to example.com')).not.toHaveProperty('name');
  });

  it('reads ids and codes whatever their case, and keeps a task exactly as written inside', () => {
    expect(parseBotCommand('/status 3F2A')).toEqual({ ok: true, command: { name: 'status', runId: '3f2a' } });
    expect(parseBotCommand('/run  type "a  b" into "Name"  ')).toEqual({ ok: true, command: { name: 'run', task: 'type "a  b" into "Name"' } });
    expect(parseBotCommand("/schedule 'every 15 minutes' check it")).toEqual({ ok: true, command: { name: 'schedule', when: 'every 15 minutes', task: 'check it' } });
    expect(parseBotCommand('/schedule ""  check it')).toMatchObject({ ok: false, name: 'schedule' });
    // Found by the property below: a time of only spaces between quotes.
    expect(parseBotCommand(`/schedule ' "!`)).toMatchObject({ ok: false, name: 'schedule' });
  });

  it('never accepts a command without its required argument, however the rest is spaced', () => {
    const needsArgument = ['run', 'plan', 'schedule', 'pause', 'resume', 'cancel', 'link'];
    const blank = fc.stringMatching(/^[ \t\n\r]*$/);
    fc.assert(
      fc.property(fc.constantFrom(...needsArgument), blank, fc.boolean(), (name, rest, viaApp) => {
        const parsed = parseBotCommand(`${viaApp ? '/skipper ' : '/'}${name}${rest}`);
        expect(parsed.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    // And whatever it accepts carries its arguments, non-empty and trimmed.
    const filled = (command: BotCommand) => {
      const values = Object.entries(command).filter(([key]) => key !== 'name').map(([, value]) => value as string);
      return values.every((value) => value.length > 0 && value === value.trim());
    };
    fc.assert(
      fc.property(fc.constantFrom(...BOT_COMMAND_NAMES), fc.string({ maxLength: 60 }), (name, rest) => {
        const parsed = parseBotCommand(`/${name} ${rest}`);
        if (!parsed.ok) return;
        expect(filled(parsed.command)).toBe(true);
        if (needsArgument.includes(parsed.command.name)) expect(Object.keys(parsed.command).length).toBeGreaterThan(1);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws, and anything it accepts names a known command', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((rest) => `/${rest}`), fc.constantFrom('/run', '/schedule', '/pause', '/status').chain((name) => fc.string().map((rest) => `${name} ${rest}`))), (text) => {
        const parsed = parseBotCommand(text);
        if (parsed.ok) expect(['run', 'plan', 'schedule', 'schedules', 'pause', 'resume', 'status', 'cancel', 'link', 'help']).toContain(parsed.command.name);
        else expect(parsed.problem.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
