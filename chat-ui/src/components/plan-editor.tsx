import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { MAX_PLAN_STEPS } from '../../../protocol/index.ts';
import type { EditPlanBody, PlanView, StepType } from '../../../protocol/index.ts';
import { describeError } from '../api-error.ts';
import { browserDraft, checkBrowserDraft } from '../browser-options.ts';
import { STEP_TYPE_LABELS, blankStep, checkStep, moveItem } from '../plan-draft.ts';
import type { StepDraft } from '../plan-draft.ts';
import { randomId } from '../random-id.ts';
import { BrowserOptionsEditor } from './browser-options-editor.tsx';
import { StepEditor } from './step-editor.tsx';
import type { StepEditAction } from './step-editor.tsx';

type PlanEditorProps = {
  plan: PlanView;
  /** Saves the steps and browser options as the plan's next version; rejects with why it could not. */
  onSave(edit: EditPlanBody): Promise<void>;
  onCancel(): void;
};

const STEP_TYPES = Object.keys(STEP_TYPE_LABELS) as StepType[];

/**
 * The steps of a proposed plan as a form: each step's fields, moved with buttons, deleted, or
 * added, and the browser it runs in. Every step is checked with the protocol's StepSchema as it
 * changes, the browser options with its BrowserOptionsSchema, and the plan is saved only when all pass.
 */
export function PlanEditor({ plan, onSave, onCancel }: PlanEditorProps) {
  const [drafts, setDrafts] = useState<StepDraft[]>(() => plan.steps.map((step) => ({ key: randomId(), fields: { ...step } })));
  // Steps just added and not yet touched: their empty fields are not called wrong until a save is tried.
  const [untouched, setUntouched] = useState<ReadonlySet<string>>(new Set());
  const [saveTried, setSaveTried] = useState(false);
  const [browser, setBrowser] = useState(() => browserDraft(plan.browser));
  const [newType, setNewType] = useState<StepType>('click');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  // Where focus goes once the list has re-rendered: into the first field when the editor opens, then after a move, a deletion or an addition.
  const focusNext = useRef<((form: HTMLFormElement) => HTMLElement | null) | null>((form) => form.querySelector('input'));
  const newTypeId = useId();
  const checks = drafts.map((draft) => checkStep(draft.fields));
  const browserCheck = checkBrowserDraft(browser, plan.browser);

  useEffect(() => {
    const find = focusNext.current;
    focusNext.current = null;
    if (find && formRef.current) find(formRef.current)?.focus();
  });

  function update(key: string, change: (draft: StepDraft) => StepDraft) {
    setDrafts((current) => current.map((draft) => (draft.key === key ? change(draft) : draft)));
    setUntouched((current) => (current.has(key) ? new Set([...current].filter((candidate) => candidate !== key)) : current));
  }

  function act(index: number, action: StepEditAction) {
    const draft = drafts[index]!;
    const label = `Step ${index + 1}, ${STEP_TYPE_LABELS[draft.fields.type].toLowerCase()},`;
    if (action === 'delete') {
      setDrafts(drafts.filter((candidate) => candidate.key !== draft.key));
      setAnnouncement(`${label} deleted.`);
      // To the step that took its place (or the new last one), and with no step left, to adding one.
      focusNext.current = (form) =>
        form.querySelectorAll<HTMLElement>('[data-action=delete]')[Math.min(index, drafts.length - 2)] ?? form.querySelector(`[id="${newTypeId}"]`);
      return;
    }
    const by = action === 'up' ? -1 : 1;
    setDrafts(moveItem(drafts, index, by));
    setAnnouncement(`${label} moved to position ${index + 1 + by}.`);
    // The same button keeps focus while it can be pressed again; at either end, the one that moves back.
    focusNext.current = (form) => {
      const moves = form.querySelectorAll<HTMLButtonElement>(`[data-step-key="${draft.key}"] :is([data-action=up], [data-action=down])`);
      const usable = [...moves].filter((button) => !button.disabled);
      return usable.find((button) => button.dataset.action === action) ?? usable[0] ?? null;
    };
  }

  function add() {
    const key = randomId();
    setDrafts([...drafts, { key, fields: blankStep(newType) }]);
    setUntouched(new Set(untouched).add(key));
    setAnnouncement(`Step ${drafts.length + 1}, ${STEP_TYPE_LABELS[newType].toLowerCase()}, added.`);
    focusNext.current = (form) => form.querySelector(`[data-step-key="${key}"] input`);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaveTried(true);
    const steps = checks.flatMap((check) => (check.ok ? [check.step] : []));
    if (drafts.length === 0) {
      setError('A plan needs at least one step.');
      return;
    }
    if (steps.length < drafts.length || !browserCheck.ok) {
      setError(`${steps.length < drafts.length ? 'Some steps need' : 'The browser settings need'} fixing first: see the marked fields.`);
      focusNext.current = (form) => form.querySelector('[aria-invalid=true]');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      // Always sent: left out, the new version would keep the old options, and `{}` is how none are asked for.
      await onSave({ steps, browser: browserCheck.browser ?? {} });
    } catch (failure) {
      setSaving(false);
      setError(describeError(failure));
    }
  }

  return (
    <form ref={formRef} className="plan-editor" data-testid="plan-editor" aria-label="Edit the plan" onSubmit={(event) => void save(event)} noValidate>
      <ol className="plan-editor-steps">
        {drafts.map((draft, index) => {
          const check = checks[index]!;
          return (
            <li key={draft.key}>
              <StepEditor
                draft={draft}
                index={index}
                count={drafts.length}
                problems={!check.ok && (saveTried || !untouched.has(draft.key)) ? check.problems : undefined}
                onChange={(fields) => update(draft.key, (current) => ({ ...current, fields }))}
                onAction={(action) => act(index, action)}
              />
            </li>
          );
        })}
      </ol>
      <div className="plan-editor-add">
        <label htmlFor={newTypeId}>Add a step</label>
        <select id={newTypeId} value={newType} onChange={(event) => setNewType(event.target.value as StepType)}>
          {STEP_TYPES.map((type) => (
            <option key={type} value={type}>
              {STEP_TYPE_LABELS[type]}
            </option>
          ))}
        </select>
        <button type="button" className="button button--quiet" onClick={add} disabled={drafts.length >= MAX_PLAN_STEPS}>
          Add step
        </button>
      </div>
      <BrowserOptionsEditor draft={browser} check={browserCheck} initiallyOpen={plan.browser !== undefined} onChange={setBrowser} />
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="card-actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </form>
  );
}
