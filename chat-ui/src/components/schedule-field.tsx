import { useEffect, useId } from 'react';
import type { Ref, RefObject } from 'react';
import { splitProblem } from '../schedule-form.ts';
import { describedBy, FieldProblem } from './field-problem.tsx';

type ScheduleFieldProps = {
  label: string;
  value: string;
  onChange(value: string): void;
  /** What to write, beneath the label. */
  hint?: string;
  /** What the server or the form found wrong, beneath the field. */
  problem: string | undefined;
  /** A textarea of this many rows; default a one-line input. */
  rows?: number;
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement & HTMLTextAreaElement>;
  /** For tests: `data-field` of the wrapper. */
  name: string;
};

/** A labelled field of the schedule forms, with its hint and what is wrong with it tied to it for screen readers. */
export function ScheduleField({ label, value, onChange, hint, problem, rows, required = false, maxLength, placeholder, inputRef, name }: ScheduleFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const said = problem === undefined ? undefined : splitProblem(problem);
  const common = {
    id,
    name,
    value,
    'aria-required': required || undefined,
    maxLength,
    placeholder,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': describedBy(hint !== undefined && hintId, problem !== undefined && problemId),
  } as const;
  return (
    <div className="step-field schedule-field" data-field={name}>
      <label htmlFor={id}>
        {label}
        {!required && <span className="schedule-field-optional"> (optional)</span>}
      </label>
      {hint && (
        <p id={hintId} className="step-field-hint">
          {hint}
        </p>
      )}
      {rows === undefined ? (
        <input type="text" ref={inputRef} {...common} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <textarea ref={inputRef} rows={rows} {...common} onChange={(event) => onChange(event.target.value)} />
      )}
      <FieldProblem id={problemId} problem={said?.problem} />
      {said?.help && (
        <details className="schedule-field-help">
          <summary>What skipper can follow</summary>
          <p>{said.help}</p>
        </details>
      )}
    </div>
  );
}

/**
 * After each failed try (`failedTries` counts them), focus moves to the first field that is
 * wrong, so the person lands on what to fix; a refusal for the whole form is read out as an alert.
 */
export function useFocusFirstProblem(formRef: RefObject<HTMLFormElement | null>, failedTries: number) {
  useEffect(() => {
    if (failedTries === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [formRef, failedTries]);
}
