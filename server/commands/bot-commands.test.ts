import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBotCommand } from './bot-commands.ts';

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
