import type { ComponentType } from 'react';
import { COMMON_FIELDS, STEP_FIELDS, STEP_TYPE_LABELS, setField } from '../plan-draft.ts';
import type { FieldSpec, StepDraft, StepFields, StepProblems } from '../plan-draft.ts';
import { DialogField } from './dialog-field.tsx';
import { FilesField } from './files-field.tsx';
import { OffsetField } from './offset-field.tsx';
import { OptionListField } from './option-list-field.tsx';
import { StepField } from './step-field.tsx';
import type { FieldEditorProps } from './step-field.tsx';
import { TargetField } from './target-field.tsx';

/** The editor of each kind of field that needs more than StepField's one input. */
const FIELD_EDITORS: Partial<Record<FieldSpec['kind'], ComponentType<FieldEditorProps>>> = {
  target: TargetField,
  options: OptionListField,
  offset: OffsetField,
  files: FilesField,
  dialog: DialogField,
};

export type StepEditAction = 'up' | 'down' | 'delete';

type StepEditorProps = {
  draft: StepDraft;
  index: number;
  count: number;
  /** Shown only once the person has edited the step or tried to save: a step just added starts empty. */
  problems: StepProblems | undefined;
  onChange(fields: StepFields): void;
  onAction(action: StepEditAction): void;
};

/** One step of a plan being edited: its fields by type, and buttons to move it or delete it. */
export function StepEditor({ draft, index, count, problems, onChange, onAction }: StepEditorProps) {
  const number = index + 1;
  const { fields } = draft;
  // A problem in a field tucked away under "More options" must not stay hidden.
  const moreNeedsFixing = COMMON_FIELDS.some((spec) => problems?.fields[spec.name] !== undefined);

  function renderField(spec: FieldSpec) {
    const Editor = FIELD_EDITORS[spec.kind] ?? StepField;
    return (
      <Editor
        key={spec.name}
        spec={spec}
        value={fields[spec.name]}
        problem={problems?.fields[spec.name]}
        onChange={(value: unknown) => onChange(setField(fields, spec.name, value))}
      />
    );
  }

  return (
    <fieldset className="step-editor" data-testid="step-editor" data-step-key={draft.key}>
      <legend className="step-editor-legend">
        Step {number}: {STEP_TYPE_LABELS[fields.type]}
      </legend>
      <div className="step-editor-tools">
        <button type="button" className="icon-button" data-action="up" aria-label={`Move step ${number} up`} disabled={index === 0} onClick={() => onAction('up')}>
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          className="icon-button"
          data-action="down"
          aria-label={`Move step ${number} down`}
          disabled={index === count - 1}
          onClick={() => onAction('down')}
        >
          <span aria-hidden="true">↓</span>
        </button>
        <button type="button" className="icon-button icon-button--danger" data-action="delete" aria-label={`Delete step ${number}`} onClick={() => onAction('delete')}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {problems?.step && <p className="field-error">{problems.step}</p>}
      {STEP_FIELDS[fields.type].map(renderField)}
      <details className="step-editor-more" open={moreNeedsFixing || undefined}>
        <summary>More options</summary>
        {COMMON_FIELDS.map(renderField)}
      </details>
    </fieldset>
  );
}
