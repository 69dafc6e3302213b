import { describe, expect, it } from 'vitest';
import { describeNextRun, formatClockTime, formatRelative, formatZonedTime } from './schedule-time.ts';

const locale = 'en-US';

describe('schedule times', () => {
  it('shows a time in the given zone, naming the zone', () => {
    const at = '2026-12-01T08:00:00.000Z';
    expect(formatZonedTime(at, { timeZone: 'Europe/Berlin', locale })).toBe('Tue, Dec 1, 9:00 AM GMT+1');
    expect(formatZonedTime(at, { timeZone: 'America/New_York', locale })).toBe('Tue, Dec 1, 3:00 AM EST');
    expect(formatZonedTime(at, { timeZone: 'UTC', locale })).toBe('Tue, Dec 1, 8:00 AM UTC');
    expect(formatClockTime('2026-12-01T08:00:12.000Z', { timeZone: 'Europe/Berlin', locale })).toBe('9:00:12 AM');
  });

  it.each<[number, string]>([
    [20_000, 'in less than a minute'],
    [-20_000, 'just now'],
    [5 * 60_000, 'in 5 minutes'],
    [-60_000, '1 minute ago'],
    [59 * 60_000 + 40_000, 'in 1 hour'],
    [90 * 60_000, 'in 1 hour'],
    [-3 * 3_600_000, '3 hours ago'],
    [23 * 3_600_000, 'in 23 hours'],
    [36 * 3_600_000, 'in 1 day'],
    [3 * 86_400_000, 'in 3 days'],
  ])('says how far %i ms is: %s', (ms, text) => {
    const now = new Date('2026-12-01T08:00:00.000Z');
    expect(formatRelative(new Date(now.getTime() + ms).toISOString(), { now, locale })).toBe(text);
  });

  it('says when the next run is, or why there is none', () => {
    const now = new Date('2026-12-01T06:00:00.000Z');
    const options = { now, locale, timeZone: 'Europe/Berlin' };
    expect(describeNextRun({ status: 'active', nextRunAt: '2026-12-01T08:00:00.000Z' }, options)).toEqual({
      text: 'Tue, Dec 1, 9:00 AM GMT+1 (in 2 hours)',
      dateTime: '2026-12-01T08:00:00.000Z',
    });
    expect(describeNextRun({ status: 'paused', nextRunAt: null }, options)).toEqual({ text: 'None while paused' });
    // A paused schedule does not run at the time it would have, whatever the server still lists.
    expect(describeNextRun({ status: 'paused', nextRunAt: '2026-12-01T08:00:00.000Z' }, options)).toEqual({ text: 'None while paused' });
    expect(describeNextRun({ status: 'done', nextRunAt: null }, options)).toEqual({ text: 'No more runs' });
    expect(describeNextRun({ status: 'active', nextRunAt: null }, options)).toEqual({ text: 'No more runs' });
  });
});
