import { formatDuration } from '../../../protocol/index.ts';
import { describeModelUse } from '../ai-step-summary.ts';
import { formatCalls } from '../format-usage.ts';
import type { StepRowModel } from '../run-summary.ts';
import { STEP_STATUS_LABELS } from '../status-labels.ts';
import { describeOpenedTab } from '../step-browser-events.ts';
import { AgentOutcome } from './agent-outcome.tsx';
import { DialogList } from './dialog-list.tsx';
import { DownloadList } from './download-list.tsx';
import { ExtractedData } from './extracted-data.tsx';
import { ObservationList } from './observation-list.tsx';
import { ResolutionBadge } from './resolution-badge.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StatusIcon } from './status-icon.tsx';
import { StepScreenshot } from './step-screenshot.tsx';

type StepRowProps = StepRowModel & { onOpenScreenshot(image: LightboxImage): void };

export function StepRow({ index, label, ai, state, onOpenScreenshot }: StepRowProps) {
  const status = state?.status ?? 'pending';
  const number = index + 1;
  const duration = state?.durationMs === undefined ? null : formatDuration(state.durationMs);
  const output = state?.output;
  const modelUse = state && describeModelUse(state);

  return (
    <li className={`step step--${status}`} data-testid="step" data-index={index} data-status={status}>
      <StatusIcon status={status} />
      <div className="step-body">
        <p className="step-line">
          <span className="step-number">{number}.</span> {ai && <AiTag />}
          <span className="step-label">{label}</span>
          {output?.resolution && <ResolutionBadge source={output.resolution.source} />}
          <span className="step-meta">
            {STEP_STATUS_LABELS[status]}
            {status === 'running' && '…'}
            {duration && ` · ${duration}`}
          </span>
        </p>
        {modelUse && (
          <p className="step-model-use" data-testid="step-model-use" title={state?.usage && formatCalls(state.usage.calls)}>
            {modelUse}
          </p>
        )}
        {status === 'failed' && state?.error && (
          <p className="step-error">
            <span className="step-error-label">Why it failed:</span> {state.error.message}
          </p>
        )}
        {output?.text !== undefined && (
          <figure className="step-output">
            <figcaption>Text read from the page</figcaption>
            <blockquote>{output.text === '' ? <em>(empty)</em> : output.text}</blockquote>
          </figure>
        )}
        {output?.data !== undefined && <ExtractedData data={output.data} />}
        {output?.observations && <ObservationList observations={output.observations} />}
        {output?.agent && <AgentOutcome agent={output.agent} />}
        {output?.dialogs && output.dialogs.length > 0 && <DialogList dialogs={output.dialogs} />}
        {output?.openedTab && (
          <p className="step-note" data-testid="step-opened-tab">
            {describeOpenedTab(output.openedTab)}
          </p>
        )}
        {state?.downloads && state.downloads.length > 0 && <DownloadList downloads={state.downloads} />}
        {state?.screenshot && (
          <StepScreenshot
            artifactId={state.screenshot.artifactId}
            alt={`Screenshot after step ${number}: ${label}`}
            url={output?.url}
            onOpen={onOpenScreenshot}
          />
        )}
      </div>
    </li>
  );
}

/** Marks a step that calls a language model the first time it runs (and when the page changed since). */
function AiTag() {
  return (
    <span className="ai-tag" title="An AI step: a language model works it out the first time it runs, and later runs replay what it did.">
      AI
    </span>
  );
}
