import { COMMON_FIELDS, STEP_FIELDS, STEP_TYPE_LABELS, setField } from '../plan-draft.ts';
import type { FieldSpec, StepDraft, StepFields, StepProblems } from '../plan-draft.ts';
import { StepField } from './step-field.tsx';
import { TargetField } from './target-field.tsx';

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
    const props = {
      key: spec.name,
      spec,
      value: fields[spec.name],
      problem: problems?.fields[spec.name],
      onChange: (value: unknown) => onChange(setField(fields, spec.name, value)),
    };
    return spec.kind === 'target' ? <TargetField {...props} /> : <StepField {...props} />;
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
