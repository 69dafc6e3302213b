import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { ScheduleView, UpdateScheduleBody } from '../../../protocol/index.ts';
import { fieldsOf, hasProblems, missingFields, NO_PROBLEMS, problemsFromError, updateBody } from '../schedule-form.ts';
import type { FormProblems, ScheduleField as FieldName, ScheduleFields } from '../schedule-form.ts';
import { WHEN_HINT } from './schedule-create-form.tsx';
import { ScheduleField, useFocusFirstProblem } from './schedule-field.tsx';

type ScheduleEditFormProps = {
  schedule: ScheduleView;
  timeZone: string;
  onSave(body: UpdateScheduleBody): Promise<void>;
  /** Closes the form: `saved` when something was changed. */
  onClose(saved: boolean): void;
};

/** Edit in a schedule's card: when it runs and its name. A refusal is shown next to its field, keeping what was typed. */
export function ScheduleEditForm({ schedule, timeZone, onSave, onClose }: ScheduleEditFormProps) {
  const [fields, setFields] = useState<ScheduleFields>(() => fieldsOf(schedule));
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS);
  const [pending, setPending] = useState(false);
  const [failedTries, setFailedTries] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const whenRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  useFocusFirstProblem(formRef, failedTries);

  useEffect(() => {
    whenRef.current?.focus();
  }, []);

  function change(field: FieldName, value: string) {
    setFields((current) => ({ ...current, [field]: value }));
    if (problems.fields[field]) setProblems((current) => ({ ...current, fields: { ...current.fields, [field]: undefined } }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (pending) return;
    const missing = missingFields(fields, ['when', 'name']);
    if (hasProblems(missing)) {
      setProblems(missing);
      setFailedTries((count) => count + 1);
      return;
    }
    const body = updateBody(schedule, fields, timeZone);
    if (body === null) {
      onClose(false);
      return;
    }
    setPending(true);
    setProblems(NO_PROBLEMS);
    try {
      await onSave(body);
      onClose(true);
    } catch (error) {
      setProblems(problemsFromError(error, [...(body.when === undefined ? [] : (['when'] as const)), ...(body.name === undefined ? [] : (['name'] as const))]));
      setFailedTries((count) => count + 1);
      setPending(false);
    }
  }

  return (
    <form
      ref={formRef}
      className="schedule-form schedule-edit"
      noValidate
      aria-label={`Edit the schedule “${schedule.name}”`}
      data-testid="schedule-edit-form"
      onSubmit={(event) => void submit(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !pending) {
          event.stopPropagation();
          onClose(false);
        }
      }}
    >
      <div className="schedule-form-row">
        <ScheduleField
          name="when"
          label="When"
          hint={`${WHEN_HINT} Times are in your time zone, ${timeZone}, unless you name another.`}
          required
          maxLength={200}
          inputRef={whenRef}
          value={fields.when}
          onChange={(value) => change('when', value)}
          problem={problems.fields.when}
        />
        <ScheduleField
          name="name"
          label="Name"
          required
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
          {pending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button button--quiet" disabled={pending} onClick={() => onClose(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
