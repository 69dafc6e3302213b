import { describe, expect, it } from 'vitest';
import { parseWhen } from './schedule-spec.ts';

const when = (text: string) => parseWhen(text, { defaultTimezone: 'Europe/London' });

describe('reading when a schedule fires', () => {
  it.each([
    ['every 15 minutes', { kind: 'interval', everyMs: 900_000 }],
    ['every minute', { kind: 'interval', everyMs: 60_000 }],
    ['every hour', { kind: 'interval', everyMs: 3_600_000 }],
    ['hourly', { kind: 'interval', everyMs: 3_600_000 }],
    ['Every 2 days', { kind: 'interval', everyMs: 172_800_000 }],
    ['every 30 seconds', { kind: 'interval', everyMs: 30_000 }],
  ])('reads "%s" as an interval', (text, spec) => {
    expect(when(text)).toEqual({ ok: true, spec });
  });

  it.each([
    ['every weekday at 9:00', '0 9 * * 1-5', 'Europe/London'],
    ['every day at 18:30', '30 18 * * *', 'Europe/London'],
    ['daily at noon', '0 12 * * *', 'Europe/London'],
    ['every Monday at 8am Europe/Berlin', '0 8 * * 1', 'Europe/Berlin'],
    ['every monday and thursday at 5:15 pm', '15 17 * * 1,4', 'Europe/London'],
    ['every Friday, Monday and Wednesday at 07:05 UTC', '5 7 * * 1,3,5', 'UTC'],
    ['every weekend at 10am America/New_York', '0 10 * * 0,6', 'America/New_York'],
    ['every month on the 1st at 9:00', '0 9 1 * *', 'Europe/London'],
    ['every Sunday', '0 0 * * 0', 'Europe/London'],
    ['0 9 * * 1-5', '0 9 * * 1-5', 'Europe/London'],
    ['*/10 8-18 * * MON-FRI Asia/Tokyo', '*/10 8-18 * * MON-FRI', 'Asia/Tokyo'],
  ])('reads "%s" as cron %s in %s', (text, cron, timezone) => {
    expect(when(text)).toEqual({ ok: true, spec: { kind: 'cron', cron, timezone } });
  });

  it('reads a single time in the given zone, across a daylight-saving change', () => {
    expect(when('once at 2026-12-01 09:00 Europe/Berlin')).toEqual({ ok: true, spec: { kind: 'once', at: '2026-12-01T08:00:00.000Z' } });
    expect(when('on 2026-07-01 at 9am')).toEqual({ ok: true, spec: { kind: 'once', at: '2026-07-01T08:00:00.000Z' } });
    expect(when('2026-03-29 12:00')).toEqual({ ok: true, spec: { kind: 'once', at: '2026-03-29T11:00:00.000Z' } });
  });

  it.each([
    ['every Monday at 8am Mars/Olympus', /not a time zone/],
    ['every day at 25:00', /not a time of day/],
    ['every day at 13pm', /not a time of day/],
    ['every month on the 31st at 9:00', /1 to 28/],
    ['every Monday on the 3rd', /goes with "every month"/],
    ['once at 2026-02-30 09:00', /not a date/],
    ['whenever you like', /could not read/],
    ['', /Say when/],
    ['every 0 minutes', /at least one/],
  ])('explains what is wrong with "%s"', (text, problem) => {
    const parsed = when(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(problem);
  });
});
