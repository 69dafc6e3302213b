import { formatDuration } from '../../../protocol/index.ts';
import type { StepRowModel } from '../run-summary.ts';
import { STEP_STATUS_LABELS } from '../status-labels.ts';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StatusIcon } from './status-icon.tsx';
import { StepScreenshot } from './step-screenshot.tsx';

type StepRowProps = StepRowModel & { onOpenScreenshot(image: LightboxImage): void };

export function StepRow({ index, label, state, onOpenScreenshot }: StepRowProps) {
  const status = state?.status ?? 'pending';
  const number = index + 1;
  const duration = state?.durationMs === undefined ? null : formatDuration(state.durationMs);
  const extracted = state?.output?.text;

  return (
    <li className={`step step--${status}`} data-testid="step" data-index={index} data-status={status}>
      <StatusIcon status={status} />
      <div className="step-body">
        <p className="step-line">
          <span className="step-number">{number}.</span> <span className="step-label">{label}</span>
          <span className="step-meta">
            {STEP_STATUS_LABELS[status]}
            {status === 'running' && '…'}
            {duration && ` · ${duration}`}
          </span>
        </p>
        {status === 'failed' && state?.error && (
          <p className="step-error">
            <span className="step-error-label">Why it failed:</span> {state.error.message}
          </p>
        )}
        {extracted !== undefined && (
          <figure className="step-output">
            <figcaption>Text read from the page</figcaption>
            <blockquote>{extracted === '' ? <em>(empty)</em> : extracted}</blockquote>
          </figure>
        )}
        {state?.screenshot && (
          <StepScreenshot
            artifactId={state.screenshot.artifactId}
            alt={`Screenshot after step ${number}: ${label}`}
            url={state.output?.url}
            onOpen={onOpenScreenshot}
          />
        )}
      </div>
    </li>
  );
}
