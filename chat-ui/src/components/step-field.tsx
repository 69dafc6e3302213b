import type { FieldSpec } from '../plan-draft.ts';
import { FieldNotes, useFieldIds } from './field-notes.tsx';

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

/** A plain field of a step being edited (text, a number, a yes/no or a choice), with what is wrong with it beneath. */
export function StepField({ spec, value, problem, onChange }: FieldEditorProps) {
  const ids = useFieldIds(spec.hint, problem);
  const common = { id: ids.id, 'aria-invalid': problem ? true : undefined, 'aria-describedby': ids.describedBy };

  return (
    <div className={`step-field step-field--${spec.kind}`}>
      {spec.kind === 'checkbox' ? (
        <label className="step-field-check">
          <input {...common} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked || undefined)} />
          {spec.label}
        </label>
      ) : (
        <>
          <label htmlFor={ids.id}>{spec.label}</label>
          {spec.kind === 'flag' || spec.kind === 'choice' ? (
            <select
              {...common}
              value={typeof value === 'boolean' || typeof value === 'string' ? String(value) : ''}
              onChange={(event) => onChange(choiceValue(spec, event.target.value))}
            >
              {(spec.kind === 'flag' ? FLAG_OPTIONS : [{ value: '', label: 'None' }, ...(spec.choices ?? [])]).map((option) => (
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
      <FieldNotes ids={ids} hint={spec.hint} problem={problem} />
    </div>
  );
}

/**
 * What an input's text means for the step: a number for number fields (and for a tab, digits are
 * its number, other text is looked for in its address or title), nothing for an empty optional field.
 */
function fieldValue(spec: FieldSpec, text: string): unknown {
  if (text === '' && spec.optional) return undefined;
  if (spec.kind === 'tab' && /^\s*\d+\s*$/.test(text)) return Number(text);
  return spec.kind === 'number' && text !== '' ? Number(text) : text;
}

/** A yes/no, or one of a choice's values; the first entry (Default, None) leaves the field out. */
function choiceValue(spec: FieldSpec, selected: string): unknown {
  if (selected === '') return undefined;
  return spec.kind === 'flag' ? selected === 'true' : selected;
}
