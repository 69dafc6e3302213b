import type { ScheduleView } from '../../protocol/index.ts';

// Times on the Schedules page, always in the person's time zone (the browser's), with the zone named.

export type TimeOptions = {
  /** IANA zone the times are shown in; default the browser's. */
  timeZone?: string;
  /** Default the browser's language. */
  locale?: string;
  /** Default the current time. */
  now?: Date;
};

/** The browser's IANA time zone ("Europe/Berlin"), which is also sent with every `when` so "at 9:00" means the person's 9:00. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "Mon, Dec 1, 9:00 AM GMT+1": the day, the time and the zone's short name, in `timeZone`. */
export function formatZonedTime(iso: string, { timeZone = browserTimeZone(), locale }: TimeOptions = {}): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** The time of day only ("9:00:12 AM"), for when a run ended, which is usually the day it was due. */
export function formatClockTime(iso: string, { timeZone = browserTimeZone(), locale }: TimeOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone }).format(new Date(iso));
}

/** "in 5 minutes", "3 hours ago", "in 2 days"; under a minute, "in less than a minute" or "just now". */
export function formatRelative(iso: string, { locale, now = new Date() }: TimeOptions = {}): string {
  const diff = Date.parse(iso) - now.getTime();
  // Whole days and hours, rounded towards now, so "in 1 day" never stands for 13 hours; "1 day", not "tomorrow",
  // which would be wrong late in the evening.
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  const days = Math.trunc(diff / 86_400_000);
  if (days !== 0) return format.format(days, 'day');
  const minutes = Math.round(diff / 60_000);
  const hours = Math.trunc(minutes / 60);
  if (hours !== 0) return format.format(hours, 'hour');
  if (minutes !== 0) return format.format(minutes, 'minute');
  return diff > 0 ? 'in less than a minute' : 'just now';
}

/** What the page says about a schedule's next run, with the full time for a tooltip when there is one. */
export type NextRunText = { text: string; dateTime?: string };

/**
 * "Mon, Dec 1, 9:00 AM GMT+1 (in 3 hours)"; a paused schedule has no next run until it is resumed,
 * and one that is done (a one-off that ran) has none at all.
 */
export function describeNextRun(schedule: Pick<ScheduleView, 'status' | 'nextRunAt'>, options: TimeOptions = {}): NextRunText {
  if (schedule.status === 'paused') return { text: 'None while paused' };
  if (schedule.status === 'done' || schedule.nextRunAt === null) return { text: 'No more runs' };
  const relative = formatRelative(schedule.nextRunAt, options);
  return { text: `${formatZonedTime(schedule.nextRunAt, options)} (${relative})`, dateTime: schedule.nextRunAt };
}
