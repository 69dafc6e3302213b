import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { createBody, hasProblems, missingFields, problemsFromError, splitProblem, updateBody } from './schedule-form.ts';

describe('schedule forms', () => {
  it('sends the task, when, the person’s zone and a name only when one is given', () => {
    expect(createBody({ prompt: ' go to example.com ', when: ' every day at 9:00 ', name: '  ' }, 'Europe/Berlin')).toEqual({
      prompt: 'go to example.com',
      when: 'every day at 9:00',
      timezone: 'Europe/Berlin',
    });
    expect(createBody({ prompt: 'x', when: 'hourly', name: ' Prices ' }, 'UTC')).toMatchObject({ name: 'Prices' });
  });

  it('says which required fields are empty before sending', () => {
    const problems = missingFields({ prompt: ' ', when: '', name: '' }, ['prompt', 'when']);
    expect(Object.keys(problems.fields).sort()).toEqual(['prompt', 'when']);
    expect(hasProblems(problems)).toBe(true);
    expect(hasProblems(missingFields({ prompt: 'a', when: 'b', name: '' }, ['prompt', 'when']))).toBe(false);
  });

  it('sends only what an edit changed, with the zone whenever `when` changes', () => {
    const schedule = { when: 'every day at 9:00', name: 'Prices' };
    expect(updateBody(schedule, { when: 'every day at 9:00', name: 'Prices', prompt: '' }, 'UTC')).toBeNull();
    expect(updateBody(schedule, { when: 'every day at 10:00', name: 'Prices', prompt: '' }, 'Asia/Tokyo')).toEqual({
      when: 'every day at 10:00',
      timezone: 'Asia/Tokyo',
    });
    expect(updateBody(schedule, { when: 'every day at 9:00', name: 'Daily prices ', prompt: '' }, 'UTC')).toEqual({ name: 'Daily prices' });
  });

  it('puts the API’s issues next to the fields they name, and the rest above the buttons', () => {
    const error = new ApiError('invalid-request', 'The request body is not valid: name: Too big.', {
      status: 400,
      issues: [
        { path: 'name', message: 'too big: expected string to have <=200 characters' },
        { path: '', message: 'send either a prompt or a planId' },
      ],
    });
    expect(problemsFromError(error, ['when', 'prompt', 'name'])).toEqual({
      fields: { name: 'Too big: expected string to have <=200 characters.' },
      form: 'Send either a prompt or a planId.',
    });
  });

  it('puts a refusal without issues next to `when` when it was sent: an unreadable cron, an unknown zone, too often', () => {
    const error = new ApiError('invalid-request', '"Mars/Olympus" is not a time zone I know.', { status: 400 });
    expect(problemsFromError(error, ['when', 'prompt'])).toEqual({ fields: { when: '"Mars/Olympus" is not a time zone I know.' }, form: null });
    expect(problemsFromError(error, ['name'])).toEqual({ fields: {}, form: '"Mars/Olympus" is not a time zone I know.' });
  });

  it('puts a task skipper could not plan next to the task, with its help', () => {
    const error = new ApiError('unrecognized-command', 'I could not read "fly me to the moon" as steps.\nTry: go to https://example.com', { status: 422 });
    expect(problemsFromError(error, ['when', 'prompt'])).toEqual({
      fields: { prompt: 'I could not read "fly me to the moon" as steps.\nTry: go to https://example.com' },
      form: null,
    });
  });

  it('says anything else (too many schedules, the network) for the whole form', () => {
    const tooMany = new ApiError('too-many-schedules', 'You have 50 schedules, the most allowed. Delete one you no longer need, then try again.', { status: 429 });
    expect(problemsFromError(tooMany, ['when', 'prompt'])).toEqual({
      fields: {},
      form: 'You have 50 schedules, the most allowed. Delete one you no longer need, then try again.',
    });
    expect(problemsFromError(new ApiError('network', 'POST /api/schedules failed'), ['when']).form).toContain("Can't reach skipper");
  });

  it('tells the problem from the help after it', () => {
    expect(splitProblem('Too often.')).toEqual({ problem: 'Too often.', help: undefined });
    expect(splitProblem('"x" is not a command I know.\n\nCommands:\n- go to URL\n\nExamples:\n- go to a.com\n')).toEqual({
      problem: '"x" is not a command I know.',
      help: 'Commands:\n- go to URL\n\nExamples:\n- go to a.com',
    });
  });
});
