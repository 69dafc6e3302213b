import { describe, expect, it } from 'vitest';
import { checkSpec, describeDuration, latestDue, parseWhen } from './schedule-spec.ts';

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

describe('checking a schedule can be kept', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const check = (spec: Parameters<typeof checkSpec>[0], minIntervalMs = 60_000) => checkSpec(spec, { minIntervalMs, now });

  it('accepts times at least the minimum interval apart, in a zone it knows, in the future', () => {
    expect(check({ kind: 'interval', everyMs: 60_000 })).toBeUndefined();
    expect(check({ kind: 'cron', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toBeUndefined();
    expect(check({ kind: 'cron', cron: '* * * * *', timezone: 'UTC' })).toBeUndefined();
    expect(check({ kind: 'once', at: '2026-06-01T12:00:01Z' })).toBeUndefined();
  });

  it('refuses, in words, a cron it cannot read, an unknown zone, runs too close together and a time gone by', () => {
    expect(check({ kind: 'cron', cron: '61 * * * *', timezone: 'UTC' })).toMatch(/"61 \* \* \* \*" is not a cron expression I can read \(.*59.*\)\. Cron has five fields/);
    expect(check({ kind: 'cron', cron: '0 9 31 2 *', timezone: 'UTC' })).toMatch(/not a cron expression/);
    expect(check({ kind: 'cron', cron: '0 9 * * *', timezone: 'Mars/Olympus' })).toMatch(/"Mars\/Olympus" is not a time zone/);
    expect(check({ kind: 'interval', everyMs: 30_000 })).toBe('Every 30 seconds is too often. Schedules may run at most every 1 minute.');
    expect(check({ kind: 'cron', cron: '0,5 9 * * *', timezone: 'UTC' }, 15 * 60_000)).toBe('"0,5 9 * * *" runs 5 minutes apart at times. Schedules may run at most every 15 minutes.');
    expect(check({ kind: 'once', at: '2026-06-01T11:59:59Z' })).toMatch(/has passed/);
  });

  it('names durations as people do', () => {
    expect([1_000, 60_000, 90_000, 3_600_000, 172_800_000, 1_500].map(describeDuration)).toEqual(['1 second', '1 minute', '90 seconds', '1 hour', '2 days', '1500 ms']);
  });
});

describe('the time a catch-up run stands for', () => {
  const now = new Date('2026-06-01T12:00:30Z');
  it('is the latest time the schedule was due, however many were missed', () => {
    const firstDue = new Date('2026-06-01T09:00:00Z');
    expect(latestDue({ kind: 'interval', everyMs: 3_600_000 }, { firstDue, now })).toEqual(new Date('2026-06-01T12:00:00Z'));
    expect(latestDue({ kind: 'cron', cron: '*/15 * * * *', timezone: 'UTC' }, { firstDue, now })).toEqual(new Date('2026-06-01T12:00:00Z'));
    expect(latestDue({ kind: 'cron', cron: '0 9 * * *', timezone: 'Europe/Berlin' }, { firstDue: new Date('2026-05-29T07:00:00Z'), now })).toEqual(new Date('2026-06-01T07:00:00Z'));
    expect(latestDue({ kind: 'once', at: firstDue.toISOString() }, { firstDue, now })).toEqual(firstDue);
  });
});
