import { useState } from 'react';
import { formatOptionList, parseOptionList } from '../option-list.ts';
import { FieldNotes, useFieldIds } from './field-notes.tsx';
import type { FieldEditorProps } from './step-field.tsx';

/** The options a select step chooses, one per line: several for a list that allows several. */
export function OptionListField({ spec, value, problem, onChange }: FieldEditorProps) {
  const ids = useFieldIds(spec.hint, problem);
  // The text as typed: a new line just started would vanish if the box showed the step's value.
  const [text, setText] = useState(() => formatOptionList(value));

  return (
    <div className="step-field step-field--options">
      <label htmlFor={ids.id}>{spec.label}</label>
      <textarea
        id={ids.id}
        rows={Math.min(6, Math.max(2, text.split('\n').length))}
        value={text}
        aria-invalid={problem ? true : undefined}
        aria-describedby={ids.describedBy}
        onChange={(event) => {
          setText(event.target.value);
          onChange(parseOptionList(event.target.value));
        }}
      />
      <FieldNotes ids={ids} hint={spec.hint} problem={problem} />
    </div>
  );
}
