import { isRecord } from '../plan-draft.ts';
import { FieldNotes, useFieldIds } from './field-notes.tsx';
import type { FieldEditorProps } from './step-field.tsx';

/** A distance to scroll: pixels down (negative: up) and right (negative: left); both empty leaves it out. */
export function OffsetField({ spec, value, problem, onChange }: FieldEditorProps) {
  const ids = useFieldIds(spec.hint, problem);
  const shown = (axis: 'x' | 'y') => (isRecord(value) && typeof value[axis] === 'number' ? value[axis] : '');
  const change = (axis: 'x' | 'y', text: string) => {
    const next = { x: shown('x'), y: shown('y'), [axis]: text };
    // An empty axis is 0 once the other has a distance.
    onChange(next.x === '' && next.y === '' ? undefined : { x: Number(next.x), y: Number(next.y) });
  };

  return (
    <fieldset className="step-field step-field--offset" aria-describedby={ids.describedBy}>
      <legend>{spec.label}</legend>
      <div className="offset-inputs">
        {(
          [
            ['y', 'Down (negative: up)'],
            ['x', 'Right (negative: left)'],
          ] as const
        ).map(([axis, label]) => (
          <label key={axis} className="offset-input">
            {label}
            <input type="number" inputMode="numeric" value={shown(axis)} aria-invalid={problem ? true : undefined} onChange={(event) => change(axis, event.target.value)} />
          </label>
        ))}
      </div>
      <FieldNotes ids={ids} hint={spec.hint} problem={problem} />
    </fieldset>
  );
}
