import { useId } from 'react';
import { FINAL_RUN_STATUSES } from '../../../protocol/index.ts';
import type { PlanView, RunView } from '../../../protocol/index.ts';
import { describeRetry, wasNotRetried } from '../attempt-summary.ts';
import { stepRows, summarizeRun } from '../run-summary.ts';
import { RUN_STATUS_LABELS } from '../status-labels.ts';
import { ActionButton } from './action-button.tsx';
import { EarlierAttempt } from './earlier-attempt.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StatusIcon } from './status-icon.tsx';
import { StepRow } from './step-row.tsx';

export type RunCardProps = {
  /** Absent when the run's plan is not in this conversation; steps are then numbered only. */
  plan: PlanView | undefined;
  /** Absent for a plan that was not started. */
  run: RunView | undefined;
  onCancelRun(runId: string): Promise<void>;
  /** Queues a new run of the plan; it appears as a new message. */
  onRunPlan(planId: string): Promise<void>;
  onOpenScreenshot(image: LightboxImage): void;
};

/** A plan and its run as one card: earlier attempts, then numbered steps with live status, output and screenshots. */
export function RunCard({ plan, run, onCancelRun, onRunPlan, onOpenScreenshot }: RunCardProps) {
  const headingId = useId();
  const status = run?.status ?? 'planned';
  const rows = stepRows(plan, run?.steps ?? []);
  const cancellable = run !== undefined && !FINAL_RUN_STATUSES.includes(run.status);
  const planId = run?.planId ?? plan?.id;
  const notRetried = run !== undefined && wasNotRetried(run);
  const earlierAttempts = run?.earlierAttempts ?? [];

  return (
    <section className={`run-card run-card--${status}`} data-testid="run-card" data-status={status} aria-labelledby={headingId}>
      <header className="run-card-header">
        <h3 id={headingId} className="run-card-title">
          Plan{' '}
          <span className="run-card-count">
            · {rows.length} {rows.length === 1 ? 'step' : 'steps'}
            {plan?.model && ` · planned by ${plan.model}`}
          </span>
        </h3>
        <span className={`run-badge run-badge--${status}`}>
          <StatusIcon status={status} />
          {RUN_STATUS_LABELS[status]}
        </span>
      </header>

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
        <p className={cancellable || !run ? 'run-summary' : 'visually-hidden'} role="status">
          {summarizeRun(run, rows)}
        </p>
        {notRetried ? (
          <div className="run-notice" role="alert">
            <p className="run-notice-title">Not run again automatically</p>
            <p>{run?.error?.message}</p>
          </div>
        ) : (
          run?.error && run.status !== 'succeeded' && <p className="run-error">{run.error.message}</p>
        )}
        {cancellable && <ActionButton label="Cancel run" pendingLabel="Cancelling…" doneLabel="Cancel requested" action={() => onCancelRun(run.id)} />}
        {!cancellable && planId !== undefined && (
          <ActionButton
            label={run ? 'Run again' : 'Run'}
            pendingLabel="Starting…"
            action={() => onRunPlan(planId)}
            // After a lost runner, running it again is the decision the person is asked to make.
            className={notRetried ? 'button' : 'button button--quiet'}
          />
        )}
      </footer>
    </section>
  );
}
