import { CronExpressionParser } from 'cron-parser';
import { DateTime, IANAZone } from 'luxon';
import type { ScheduleSpec } from '../../protocol/index.ts';

// When a schedule fires, as people write it: a plain-language interval ("every 15 minutes",
// "every weekday at 9:00", "every Monday at 8am Europe/Berlin"), a cron expression with a time
// zone, or once at a date and time. Everything becomes one of three specs Agenda can run.

export type ParsedWhen = { ok: true; spec: ScheduleSpec } | { ok: false; problem: string };

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

const EXAMPLES =
  'Write it like "every 15 minutes", "every weekday at 9:00", "every Monday at 8am Europe/Berlin", ' +
  '"every day at 18:30", a cron expression such as "0 9 * * 1-5", or "once at 2026-12-01 09:00".';

/** Whether `zone` is an IANA time zone this machine knows (or UTC). */
export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Reads when a schedule fires. A trailing IANA time zone ("Europe/Berlin", "UTC") applies to
 * times of day and cron expressions; without one, `defaultTimezone` (the person's) does.
 */
export function parseWhen(input: string, { defaultTimezone }: { defaultTimezone: string }): ParsedWhen {
  let text = input.trim().replace(/\s+/g, ' ');
  let timezone = defaultTimezone;
  const zoned = /^(.*\S)\s+([A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+|UTC|GMT)$/.exec(text);
  if (zoned) {
    if (!isTimeZone(zoned[2]!)) return { ok: false, problem: `"${zoned[2]}" is not a time zone I know. Use a name such as Europe/Berlin or America/New_York.` };
    timezone = zoned[2]!;
    text = zoned[1]!;
  }
  if (!text) return { ok: false, problem: `Say when the schedule should run. ${EXAMPLES}` };
  if (/^[\d*/,\-?]+(\s+[\d*/,\-A-Za-z?]+){4}$/.test(text)) return { ok: true, spec: { kind: 'cron', cron: text, timezone } };
  const lower = text.toLowerCase();
  return parseOnce(lower, timezone) ?? parseInterval(lower) ?? parseCalendar(lower, timezone) ?? { ok: false, problem: `I could not read "${input.trim()}" as a time. ${EXAMPLES}` };
}

/** "every 15 minutes", "every hour", "hourly", "every 2 days". */
function parseInterval(text: string): ParsedWhen | undefined {
  const shorthand = { hourly: 'hour', minutely: 'minute' } as Record<string, keyof typeof UNIT_MS>;
  if (shorthand[text]) return { ok: true, spec: { kind: 'interval', everyMs: UNIT_MS[shorthand[text]!] } };
  const match = /^every (?:(\d+|an?|one) )?(second|minute|hour|day|week)s?$/.exec(text);
  if (!match) return undefined;
  const count = match[1] === undefined || /^(an?|one)$/.test(match[1]) ? 1 : Number(match[1]);
  if (count < 1) return { ok: false, problem: 'An interval must be at least one unit.' };
  return { ok: true, spec: { kind: 'interval', everyMs: count * UNIT_MS[match[2] as keyof typeof UNIT_MS] } };
}

/** "every day at 9:00", "every weekday at 9am", "every Monday and Thursday at 17:30", "every month on the 1st at 8am". */
function parseCalendar(text: string, timezone: string): ParsedWhen | undefined {
  const match = /^(?:every |each )?(day|daily|weekday|weekdays|weekend|weekends|month|monthly|(?:(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)s?(?:(?:, | and |, and )(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)s?)*))(?: on the (\d{1,2})(?:st|nd|rd|th)?)?(?: at (.+))?$/.exec(
    text,
  );
  if (!match) return undefined;
  const [, days, dayOfMonth, at] = match;
  const time = at === undefined ? { hour: 0, minute: 0 } : parseTimeOfDay(at);
  if (!time) return { ok: false, problem: `"${at}" is not a time of day. Write it like 9:00, 17:30 or 8am.` };
  let dom = '*';
  let dow = '*';
  if (days === 'month' || days === 'monthly') {
    const day = Number(dayOfMonth ?? 1);
    if (day < 1 || day > 28) return { ok: false, problem: 'Pick a day of the month from 1 to 28, so every month has it.' };
    dom = String(day);
  } else if (dayOfMonth !== undefined) {
    return { ok: false, problem: '"on the …" goes with "every month".' };
  } else if (days === 'weekday' || days === 'weekdays') {
    dow = '1-5';
  } else if (days === 'weekend' || days === 'weekends') {
    dow = '0,6';
  } else if (days !== 'day' && days !== 'daily') {
    const named = days!.split(/, and |, | and /).map((day) => DAYS.indexOf(day.replace(/s$/, '') as (typeof DAYS)[number]));
    dow = [...new Set(named)].sort((a, b) => a - b).join(',');
  }
  return { ok: true, spec: { kind: 'cron', cron: `${time.minute} ${time.hour} ${dom} * ${dow}`, timezone } };
}

/** "once at 2026-12-01 09:00", "on 2026-12-01 at 9am": in `timezone`. */
function parseOnce(text: string, timezone: string): ParsedWhen | undefined {
  const match = /^(?:once )?(?:at |on )?(\d{4})-(\d{2})-(\d{2})(?:,? at |[ t])(.+)$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, at] = match;
  const time = parseTimeOfDay(at!);
  if (!time) return { ok: false, problem: `"${at}" is not a time of day. Write it like 9:00, 17:30 or 8am.` };
  const at_ = zonedTime({ year: Number(year), month: Number(month), day: Number(day), ...time }, timezone);
  if (!at_) return { ok: false, problem: `${year}-${month}-${day} is not a date.` };
  return { ok: true, spec: { kind: 'once', at: at_.toISOString() } };
}

/** "9", "9:00", "09:30", "8am", "8:15 pm", "noon", "midnight". */
function parseTimeOfDay(text: string): { hour: number; minute: number } | undefined {
  const words: Record<string, { hour: number; minute: number }> = { noon: { hour: 12, minute: 0 }, midnight: { hour: 0, minute: 0 } };
  if (words[text.trim()]) return words[text.trim()];
  const match = /^(\d{1,2})(?::(\d{2}))?(?::00)?\s*(am|pm)?$/.exec(text.trim());
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  if (match[3]) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (match[3] === 'pm' ? 12 : 0);
  }
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

/** The instant a wall-clock time in `timezone` names; undefined for an impossible date. */
function zonedTime(wall: { year: number; month: number; day: number; hour: number; minute: number }, timezone: string): Date | undefined {
  // A time that does not exist that day (skipped by a daylight-saving change) moves forward, as luxon does.
  const time = DateTime.fromObject(wall, { zone: timezone });
  return time.isValid ? time.toJSDate() : undefined;
}

/** Occurrences of a cron expression looked at when checking how close together it fires. */
const CRON_GAPS_CHECKED = 100;

/** "1 minute", "90 seconds", "2 hours": a duration as people write it. */
export function describeDuration(ms: number): string {
  const units = [
    ['day', UNIT_MS.day],
    ['hour', UNIT_MS.hour],
    ['minute', UNIT_MS.minute],
    ['second', UNIT_MS.second],
  ] as const;
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  }
  return ms % 1_000 === 0 ? `${ms / 1_000} seconds` : `${ms} ms`;
}

/**
 * Why a schedule's times cannot be kept, in words a person can act on; undefined when they can:
 * an invalid cron expression or time zone, runs closer together than `minIntervalMs`, or a
 * single time that has passed (at `now`).
 */
export function checkSpec(spec: ScheduleSpec, { minIntervalMs, now }: { minIntervalMs: number; now: Date }): string | undefined {
  const tooOften = `Schedules may run at most every ${describeDuration(minIntervalMs)}.`;
  if (spec.kind === 'interval') {
    return spec.everyMs < minIntervalMs ? `Every ${describeDuration(spec.everyMs)} is too often. ${tooOften}` : undefined;
  }
  if (spec.kind === 'once') {
    return Date.parse(spec.at) <= now.getTime() ? `${spec.at} has passed. Pick a time in the future.` : undefined;
  }
  if (!isTimeZone(spec.timezone)) return `"${spec.timezone}" is not a time zone I know. Use a name such as Europe/Berlin or America/New_York.`;
  let times: Date[];
  try {
    const cron = CronExpressionParser.parse(spec.cron, { tz: spec.timezone, currentDate: now });
    times = Array.from({ length: CRON_GAPS_CHECKED }, () => cron.next().toDate());
  } catch (error) {
    return (
      `"${spec.cron}" is not a cron expression I can read (${(error as Error).message}). ` +
      'Cron has five fields, minute hour day-of-month month day-of-week, as in "0 9 * * 1-5" (9:00 on weekdays).'
    );
  }
  const closest = Math.min(...times.slice(1).map((time, index) => time.getTime() - times[index]!.getTime()));
  return closest < minIntervalMs ? `"${spec.cron}" runs ${describeDuration(closest)} apart at times. ${tooOften}` : undefined;
}

/**
 * The latest time a schedule was due at or before `now`, given the first time it was due and
 * not run (`firstDue`): what a catch-up run after missed fires stands for.
 */
export function latestDue(spec: ScheduleSpec, { firstDue, now }: { firstDue: Date; now: Date }): Date {
  if (spec.kind === 'once' || firstDue.getTime() >= now.getTime()) return firstDue;
  if (spec.kind === 'interval') {
    const missed = Math.floor((now.getTime() - firstDue.getTime()) / spec.everyMs);
    return new Date(firstDue.getTime() + missed * spec.everyMs);
  }
  try {
    const previous = CronExpressionParser.parse(spec.cron, { tz: spec.timezone, currentDate: new Date(now.getTime() + 1) }).prev().toDate();
    return previous.getTime() >= firstDue.getTime() ? previous : firstDue;
  } catch {
    return firstDue;
  }
}
