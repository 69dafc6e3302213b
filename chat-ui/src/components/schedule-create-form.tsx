import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { CreateScheduleBody, ScheduleView } from '../../../protocol/index.ts';
import { createBody, EMPTY_FIELDS, hasProblems, missingFields, NO_PROBLEMS, problemsFromError } from '../schedule-form.ts';
import type { FormProblems, ScheduleField as FieldName, ScheduleFields } from '../schedule-form.ts';
import { ScheduleField, useFocusFirstProblem } from './schedule-field.tsx';

type ScheduleCreateFormProps = {
  /** The zone times of day are read in when `when` names none: the person's. */
  timeZone: string;
  onCreate(body: CreateScheduleBody): Promise<ScheduleView>;
  onCreated(schedule: ScheduleView): void;
};

export const WHEN_HINT = 'Like “every 15 minutes”, “every weekday at 9:00”, “0 9 * * 1-5” or “once at 2026-12-01 09:00”.';

/** "New schedule": a task in words and when to run it; what the server refuses is said next to its field, and nothing typed is lost. */
export function ScheduleCreateForm({ timeZone, onCreate, onCreated }: ScheduleCreateFormProps) {
  const [fields, setFields] = useState<ScheduleFields>(EMPTY_FIELDS);
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS);
  const [pending, setPending] = useState(false);
  const [failedTries, setFailedTries] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const headingId = useId();
  useFocusFirstProblem(formRef, failedTries);

  function change(field: FieldName, value: string) {
    setFields((current) => ({ ...current, [field]: value }));
    // What was wrong with a field is cleared as it is changed; the rest stays until the next try.
    if (problems.fields[field]) setProblems((current) => ({ ...current, fields: { ...current.fields, [field]: undefined } }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (pending) return;
    const missing = missingFields(fields, ['prompt', 'when']);
    if (hasProblems(missing)) {
      setProblems(missing);
      setFailedTries((count) => count + 1);
      return;
    }
    setPending(true);
    setProblems(NO_PROBLEMS);
    const body = createBody(fields, timeZone);
    try {
      const created = await onCreate(body);
      setFields(EMPTY_FIELDS);
      onCreated(created);
    } catch (error) {
      setProblems(problemsFromError(error, ['when', 'prompt', ...(body.name === undefined ? [] : (['name'] as const))]));
      setFailedTries((count) => count + 1);
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="schedule-create" aria-labelledby={headingId}>
      <h2 id={headingId} className="schedules-heading">
        New schedule
      </h2>
      <form ref={formRef} className="schedule-form" noValidate onSubmit={(event) => void submit(event)} data-testid="schedule-create-form">
        <ScheduleField
          name="prompt"
          label="Task"
          hint="What it should do each time, as you would write it in the chat."
          rows={3}
          required
          maxLength={20_000}
          placeholder="go to example.com/prices, read the price of “Basic”, then take a screenshot"
          value={fields.prompt}
          onChange={(value) => change('prompt', value)}
          problem={problems.fields.prompt}
        />
        <div className="schedule-form-row">
          <ScheduleField
            name="when"
            label="When"
            hint={`${WHEN_HINT} Times are in your time zone, ${timeZone}, unless you name another.`}
            required
            maxLength={200}
            placeholder="every weekday at 9:00"
            value={fields.when}
            onChange={(value) => change('when', value)}
            problem={problems.fields.when}
          />
          <ScheduleField
            name="name"
            label="Name"
            hint="Shown in this list and on its conversation; default, one made from the task."
            maxLength={200}
            value={fields.name}
            onChange={(value) => change('name', value)}
            problem={problems.fields.name}
          />
        </div>
        {problems.form && (
          <p className="inline-error" role="alert">
            {problems.form}
          </p>
        )}
        <div className="card-actions">
          <button type="submit" className="button" aria-disabled={pending || undefined}>
            {pending ? 'Creating…' : 'Create schedule'}
          </button>
          {pending && (
            <span className="schedule-form-note" role="status">
              skipper is reading the task and planning its steps…
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
