import { isRecord } from '../plan-draft.ts';
import { FieldNotes, useFieldIds } from './field-notes.tsx';
import type { FieldEditorProps } from './step-field.tsx';

type Answer = 'default' | 'accept' | 'dismiss' | 'text';

const ANSWERS: { value: Answer; label: string }[] = [
  { value: 'default', label: 'Default: accept it' },
  { value: 'accept', label: 'Accept it (OK)' },
  { value: 'dismiss', label: 'Dismiss it (Cancel)' },
  { value: 'text', label: 'Answer a prompt with text' },
];

/** How a step answers the dialogs the page opens during it: accept, dismiss, or fill a prompt in. */
export function DialogField({ spec, value, problem, onChange }: FieldEditorProps) {
  const ids = useFieldIds(spec.hint, problem);
  const answer: Answer = value === 'accept' || value === 'dismiss' ? value : isRecord(value) ? 'text' : 'default';
  const text = isRecord(value) && typeof value.text === 'string' ? value.text : '';

  function choose(next: Answer) {
    if (next === 'default') onChange(undefined);
    else onChange(next === 'text' ? { text } : next);
  }

  return (
    <div className="step-field step-field--dialog">
      <label htmlFor={ids.id}>{spec.label}</label>
      <div className="target-inputs">
        <select id={ids.id} value={answer} aria-invalid={problem ? true : undefined} aria-describedby={ids.describedBy} onChange={(event) => choose(event.target.value as Answer)}>
          {ANSWERS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {answer === 'text' && (
          <input type="text" aria-label={`Prompt answer: ${spec.label}`} value={text} onChange={(event) => onChange({ text: event.target.value })} />
        )}
      </div>
      <FieldNotes ids={ids} hint={spec.hint} problem={problem} />
    </div>
  );
}
