import { useId, useState } from 'react';
import type { AttemptView, PlanView } from '../../../protocol/index.ts';
import { summarizeAttempt } from '../attempt-summary.ts';
import { stepRows } from '../run-summary.ts';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StepRow } from './step-row.tsx';

type EarlierAttemptProps = {
  attempt: AttemptView;
  maxAttempts: number;
  plan: PlanView | undefined;
  onOpenScreenshot(image: LightboxImage): void;
};

/** One attempt before the current one: a line saying how it ended, which opens to its steps and screenshots. */
export function EarlierAttempt({ attempt, maxAttempts, plan, onOpenScreenshot }: EarlierAttemptProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  // The step the attempt stopped in usually carries its error already.
  const error = attempt.error && !attempt.steps.some((step) => step.error?.message === attempt.error?.message) ? attempt.error : undefined;

  return (
    <div data-testid="earlier-attempt" data-attempt={attempt.attempt} data-status={attempt.status}>
      <button type="button" className="attempt-toggle" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        <span className="attempt-summary">{summarizeAttempt(attempt, maxAttempts)}</span>
        {/* aria-expanded already tells screen readers this. */}
        <span className="attempt-toggle-hint" aria-hidden="true">
          {open ? 'hide' : 'show'}
        </span>
      </button>
      {/* Rendered only when open: the steps' screenshots are not fetched for a closed attempt. */}
      <div id={panelId} className="attempt-panel" hidden={!open}>
        {open && (
          <>
            {error && <p className="run-error">{error.message}</p>}
            <ol className="steps">
              {stepRows(plan, attempt.steps).map((row) => (
                <StepRow key={row.index} {...row} onOpenScreenshot={onOpenScreenshot} />
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
