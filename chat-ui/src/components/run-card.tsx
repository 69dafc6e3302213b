import { useId, useState } from 'react';
import { describeStep } from '../../../protocol/index.ts';
import type { PlanView, RunView } from '../../../protocol/index.ts';
import { describeError } from '../api-error.ts';
import { summarizeRun } from '../run-summary.ts';
import type { StepRowModel } from '../run-summary.ts';
import { RUN_STATUS_LABELS } from '../status-labels.ts';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StatusIcon } from './status-icon.tsx';
import { StepRow } from './step-row.tsx';

export type RunCardProps = {
  /** Absent when the run's plan is not in this conversation; steps are then numbered only. */
  plan: PlanView | undefined;
  /** Absent for a plan that was not started. */
  run: RunView | undefined;
  onCancelRun(runId: string): Promise<void>;
  onOpenScreenshot(image: LightboxImage): void;
};

type CancelState = { phase: 'idle' | 'cancelling' | 'requested'; error: string | null };

/** A plan and its run as one card: numbered steps with live status, output and screenshots. */
export function RunCard({ plan, run, onCancelRun, onOpenScreenshot }: RunCardProps) {
  const headingId = useId();
  const [cancel, setCancel] = useState<CancelState>({ phase: 'idle', error: null });
  const status = run?.status ?? 'planned';
  const rows = stepRows(plan, run);
  const cancellable = run !== undefined && (run.status === 'queued' || run.status === 'running');

  async function handleCancel(runId: string) {
    setCancel({ phase: 'cancelling', error: null });
    try {
      await onCancelRun(runId);
      setCancel({ phase: 'requested', error: null });
    } catch (error) {
      setCancel({ phase: 'idle', error: describeError(error) });
    }
  }

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
        {run?.error && run.status !== 'succeeded' && <p className="run-error">{run.error.message}</p>}
        {run && run.attempt > 1 && (
          <p className="run-attempt">
            Attempt {run.attempt} of {run.maxAttempts}: retried on another runner.
          </p>
        )}
        {cancellable && (
          <button type="button" className="button button--quiet" disabled={cancel.phase !== 'idle'} onClick={() => void handleCancel(run.id)}>
            {cancel.phase === 'idle' ? 'Cancel run' : cancel.phase === 'cancelling' ? 'Cancelling…' : 'Cancel requested'}
          </button>
        )}
        {cancel.error && (
          <p className="inline-error" role="alert">
            {cancel.error}
          </p>
        )}
      </footer>
    </section>
  );
}

function stepRows(plan: PlanView | undefined, run: RunView | undefined): StepRowModel[] {
  const states = new Map(run?.steps.map((state) => [state.index, state]));
  const count = Math.max(plan?.steps.length ?? 0, ...(run?.steps.map((state) => state.index + 1) ?? []));
  return Array.from({ length: count }, (_, index) => {
    const step = plan?.steps[index];
    return { index, label: step ? describeStep(step) : `Step ${index + 1}`, state: states.get(index) };
  });
}
