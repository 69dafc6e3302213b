import { useEffect, useId, useRef, useState } from 'react';
import { FINAL_RUN_STATUSES } from '../../../protocol/index.ts';
import type { PlanView, RunView } from '../../../protocol/index.ts';
import { describeRetry, wasNotRetried } from '../attempt-summary.ts';
import { describeBrowserOptions } from '../browser-options.ts';
import { stepRows, summarizeCard } from '../run-summary.ts';
import { RUN_STATUS_LABELS } from '../status-labels.ts';
import type { CardStatus } from '../status-labels.ts';
import type { PlanActions } from '../use-plan-actions.ts';
import { ActionButton } from './action-button.tsx';
import { EarlierAttempt } from './earlier-attempt.tsx';
import { PlanEditor } from './plan-editor.tsx';
import { ProposalActions } from './proposal-actions.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StatusIcon } from './status-icon.tsx';
import { StepRow } from './step-row.tsx';
import { UsageLine } from './usage-line.tsx';

export type RunCardProps = {
  /** Absent when the run's plan is not in this conversation; steps are then numbered only. */
  plan: PlanView | undefined;
  /** Absent for a plan that was not started. */
  run: RunView | undefined;
  actions: PlanActions;
  onOpenScreenshot(image: LightboxImage): void;
};

/**
 * A plan and its run as one card: earlier attempts, then numbered steps with live status, output
 * and screenshots. A proposed plan offers Run, Edit (the steps become an editor) and Discard.
 */
export function RunCard({ plan, run, actions, onOpenScreenshot }: RunCardProps) {
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const status = cardStatus(plan, run);
  const rows = stepRows(plan, run?.steps ?? []);
  const proposed = !run && plan?.status === 'proposed' ? plan : undefined;
  const earlierAttempts = run?.earlierAttempts ?? [];

  // Focus returns to Edit when the editor closes, rather than falling back to the page.
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  return (
    <section className={`run-card run-card--${status}`} data-testid="run-card" data-status={status} aria-labelledby={headingId}>
      <header className="run-card-header">
        <h3 id={headingId} className="run-card-title">
          {plan?.repairs === undefined ? 'Plan' : 'Repaired plan'}{' '}
          <span className="run-card-count">
            · {rows.length} {rows.length === 1 ? 'step' : 'steps'}
            {plan && plan.version > 1 && ` · version ${plan.version}`}
            {plan?.repairs !== undefined && (
              <span title="The planner changed the plan after a run of it failed; this counts the repairs since the plan you ran.">
                {` · repair ${plan.repairs}`}
              </span>
            )}
            {plan?.model && ` · planned by ${plan.model}`}
          </span>
        </h3>
        <span className={`run-badge run-badge--${status}`}>
          <StatusIcon status={status} />
          {RUN_STATUS_LABELS[status]}
        </span>
      </header>

      {plan?.browser && !(proposed && editing) && (
        <p className="run-card-browser" data-testid="browser-options">
          {describeBrowserOptions(plan.browser)}
        </p>
      )}

      {/* Editing ends by itself if the plan stops being proposed meanwhile, e.g. it was run from another tab. */}
      {proposed && editing ? (
        <PlanEditor
          plan={proposed}
          onSave={async (edit) => {
            await actions.editPlan(proposed.id, edit);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          {run && earlierAttempts.length > 0 && (
            <>
              <ol className="run-attempts" aria-label="Earlier attempts">
                {earlierAttempts.map((attempt) => (
                  <li key={attempt.attempt}>
                    <EarlierAttempt attempt={attempt} maxAttempts={run.maxAttempts} plan={plan} onOpenScreenshot={onOpenScreenshot} />
                  </li>
                ))}
              </ol>
              <p className="run-attempt">{describeRetry(run)}</p>
            </>
          )}

          <ol className="steps">
            {rows.map((row) => (
              <StepRow key={row.index} {...row} onOpenScreenshot={onOpenScreenshot} />
            ))}
          </ol>

          <footer className="run-card-footer">
            {/* Once the run has ended, the server's summary message says this; keep it for screen readers only. */}
            <p className={!run || !FINAL_RUN_STATUSES.includes(run.status) ? 'run-summary' : 'visually-hidden'} role="status">
              {summarizeCard(plan, run, rows)}
            </p>
            {proposed ? (
              <ProposalActions
                onRun={() => actions.approvePlan(proposed.id)}
                onEdit={() => setEditing(true)}
                onDiscard={() => actions.discardPlan(proposed.id)}
                editRef={editButton}
              />
            ) : (
              <RunControls plan={plan} run={run} actions={actions} />
            )}
            {/* With both shown, the labels tell them apart. */}
            {plan?.usage && <UsageLine usage={plan.usage} label="Planning used" labelShown={run?.usage !== undefined} />}
            {run?.usage && <UsageLine usage={run.usage} label="This run used" labelShown={plan?.usage !== undefined} />}
          </footer>
        </>
      )}
    </section>
  );
}

/** A run's status, or without a run, what became of its plan. */
function cardStatus(plan: PlanView | undefined, run: RunView | undefined): CardStatus {
  if (run) return run.status;
  return plan?.status === 'discarded' || plan?.status === 'superseded' ? plan.status : 'planned';
}

/** Why a run failed, Cancel while it goes, and Run again once a plan has run. */
function RunControls({ plan, run, actions }: Pick<RunCardProps, 'plan' | 'run' | 'actions'>) {
  const notRetried = run !== undefined && wasNotRetried(run);
  const planId = run?.planId ?? (plan?.status === 'approved' ? plan.id : undefined);
  return (
    <>
      {notRetried ? (
        <div className="run-notice" role="alert">
          <p className="run-notice-title">Not run again automatically</p>
          <p>{run.error?.message}</p>
        </div>
      ) : (
        run?.error && run.status !== 'succeeded' && <p className="run-error">{run.error.message}</p>
      )}
      {run && !FINAL_RUN_STATUSES.includes(run.status) ? (
        <ActionButton label="Cancel run" pendingLabel="Cancelling…" doneLabel="Cancel requested" action={() => actions.cancelRun(run.id)} />
      ) : (
        planId !== undefined && (
          <ActionButton
            label="Run again"
            pendingLabel="Starting…"
            action={() => actions.runPlan(planId)}
            // After a lost runner, running it again is the decision the person is asked to make.
            className={notRetried ? 'button' : 'button button--quiet'}
          />
        )
      )}
    </>
  );
}
