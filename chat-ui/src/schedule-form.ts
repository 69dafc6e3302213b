import type { CreateScheduleBody, ScheduleView, UpdateScheduleBody } from '../../protocol/index.ts';
import { ApiError, describeError } from './api-error.ts';
import { sentence } from './sentence.ts';

// The forms that create and edit a schedule: what they send, and where the API's answer about
// what is wrong is shown (next to its field, or above the buttons).

export type ScheduleField = 'when' | 'name' | 'prompt';

export type ScheduleFields = Record<ScheduleField, string>;

/** What is wrong, per field and for the form as a whole (too many schedules, the server unreachable…). */
export type FormProblems = { fields: Partial<Record<ScheduleField, string>>; form: string | null };

export const NO_PROBLEMS: FormProblems = { fields: {}, form: null };

export const EMPTY_FIELDS: ScheduleFields = { when: '', name: '', prompt: '' };

/** Fields left empty that must not be, said before anything is sent. */
export function missingFields(fields: ScheduleFields, required: readonly ScheduleField[]): FormProblems {
  const problems: Partial<Record<ScheduleField, string>> = {};
  if (required.includes('when') && fields.when.trim() === '') problems.when = 'Say when it should run, like “every weekday at 9:00”.';
  if (required.includes('prompt') && fields.prompt.trim() === '') problems.prompt = 'Say what it should do, like “go to example.com and take a screenshot”.';
  if (required.includes('name') && fields.name.trim() === '') problems.name = 'Give it a name.';
  return { fields: problems, form: null };
}

export function hasProblems(problems: FormProblems): boolean {
  return problems.form !== null || Object.keys(problems.fields).length > 0;
}

/** `POST /api/schedules` from the form: times of day are read in the person's zone, and an empty name lets the server name it. */
export function createBody(fields: ScheduleFields, timeZone: string): CreateScheduleBody {
  const name = fields.name.trim();
  return { when: fields.when.trim(), timezone: timeZone, prompt: fields.prompt.trim(), ...(name !== '' && { name }) };
}

/** The fields as they are for a schedule, to start editing it. */
export function fieldsOf(schedule: Pick<ScheduleView, 'when' | 'name' | 'prompt'>): ScheduleFields {
  return { when: schedule.when, name: schedule.name, prompt: schedule.prompt ?? '' };
}

/**
 * `PATCH /api/schedules/:id` with only what changed (a new `when` is read in the person's zone);
 * null when nothing did. An emptied name is left as it was rather than sent empty.
 */
export function updateBody(schedule: Pick<ScheduleView, 'when' | 'name'>, fields: ScheduleFields, timeZone: string): UpdateScheduleBody | null {
  const when = fields.when.trim();
  const name = fields.name.trim();
  const body: UpdateScheduleBody = {
    ...(when !== '' && when !== schedule.when && { when, timezone: timeZone }),
    ...(name !== '' && name !== schedule.name && { name }),
  };
  return Object.keys(body).length === 0 ? null : body;
}

const FIELD_PATHS: Record<string, ScheduleField> = { when: 'when', timezone: 'when', name: 'name', prompt: 'prompt', planId: 'prompt' };

/**
 * Where the API's refusal is shown. A task that could not be planned (`unrecognized-command`)
 * gets the server's answer next to it. Fields an `invalid-request` names (`issues[].path`) get their message. A
 * refusal without issues is about reading `when` (a cron it cannot read, an unknown zone, too
 * often), the one thing checked beyond the body's shape, when `when` was sent; anything else
 * (too many schedules, not found, the network) is said for the whole form.
 */
export function problemsFromError(error: unknown, sent: readonly ScheduleField[]): FormProblems {
  // A task skipper could not turn into steps: its answer (what it can do, with examples) goes with the task.
  if (ApiError.isInstance(error) && error.code === 'unrecognized-command' && sent.includes('prompt')) return { fields: { prompt: error.message.trim() }, form: null };
  if (!ApiError.isInstance(error) || error.code !== 'invalid-request') return { fields: {}, form: describeError(error) };
  const fields: Partial<Record<ScheduleField, string>> = {};
  const unplaced: string[] = [];
  for (const issue of error.issues) {
    const field = FIELD_PATHS[issue.path.split('.')[0] ?? ''];
    if (field && sent.includes(field)) fields[field] = joinSentences(fields[field], sentence(issue.message));
    else unplaced.push(sentence(issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  }
  if (error.issues.length === 0) {
    if (sent.includes('when')) fields.when = sentence(error.message);
    else unplaced.push(sentence(error.message));
  }
  return { fields, form: unplaced.length === 0 ? null : unplaced.join(' ') };
}

function joinSentences(first: string | undefined, second: string): string {
  return first === undefined ? second : `${first} ${second}`;
}

/**
 * What is wrong with a field, apart from the help that may follow it after a blank line (the
 * server's answer to a task it could not plan lists the commands it follows, with examples).
 */
export function splitProblem(text: string): { problem: string; help: string | undefined } {
  const [problem = '', ...rest] = text.trim().split(/\n\s*\n/);
  const help = rest.join('\n\n').trim();
  return { problem: problem.trim(), help: help === '' ? undefined : help };
}
