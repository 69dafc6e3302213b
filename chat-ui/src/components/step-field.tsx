import { useId } from 'react';
import type { FieldSpec } from '../plan-draft.ts';
import { FieldProblem, describedBy } from './field-problem.tsx';

/** What the editor of any field of a step is given. */
export type FieldEditorProps = {
  spec: FieldSpec;
  /** The field's value as it is being edited; for a target, text or an object naming how to find it. */
  value: unknown;
  problem: string | undefined;
  /** `undefined` leaves the field out of the step. */
  onChange(value: unknown): void;
};

const FLAG_OPTIONS = [
  { value: '', label: 'Default' },
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** One field of a step being edited (not an element to find: see TargetField), with what is wrong with it beneath. */
export function StepField({ spec, value, problem, onChange }: FieldEditorProps) {
  const id = useId();
  const hintId = useId();
  const problemId = useId();
  const described = describedBy(spec.hint && hintId, problem && problemId);
  const common = { id, 'aria-invalid': problem ? true : undefined, 'aria-describedby': described };

  return (
    <div className={`step-field step-field--${spec.kind}`}>
      {spec.kind === 'checkbox' ? (
        <label className="step-field-check">
          <input {...common} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked || undefined)} />
          {spec.label}
        </label>
      ) : (
        <>
          <label htmlFor={id}>{spec.label}</label>
          {spec.kind === 'flag' ? (
            <select {...common} value={typeof value === 'boolean' ? String(value) : ''} onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value === 'true')}>
              {FLAG_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              {...common}
              type={spec.kind === 'number' ? 'number' : 'text'}
              inputMode={spec.kind === 'number' ? 'numeric' : undefined}
              value={typeof value === 'string' || typeof value === 'number' ? value : ''}
              onChange={(event) => onChange(fieldValue(spec, event.target.value))}
            />
          )}
        </>
      )}
      {spec.hint && (
        <p id={hintId} className="step-field-hint">
          {spec.hint}
        </p>
      )}
      <FieldProblem id={problemId} problem={problem} />
    </div>
  );
}

/** What an input's text means for the step: a number for number fields, and nothing for an empty optional field. */
function fieldValue(spec: FieldSpec, text: string): unknown {
  if (text === '' && spec.optional) return undefined;
  return spec.kind === 'number' && text !== '' ? Number(text) : text;
}
