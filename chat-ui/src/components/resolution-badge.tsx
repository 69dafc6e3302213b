import type { ResolutionSource } from '../../../protocol/index.ts';
import { RESOLUTION_LABELS } from '../status-labels.ts';

/** How an AI step was resolved in this run: by the model, replayed with no model call, or healed. */
export function ResolutionBadge({ source }: { source: ResolutionSource }) {
  const { label, title } = RESOLUTION_LABELS[source];
  return (
    <span className={`resolution-badge resolution-badge--${source}`} data-testid="step-resolution" data-source={source} title={title}>
      {/* The tooltip is for pointers; screen readers get the sentence. */}
      <span aria-hidden="true">{label}</span>
      <span className="visually-hidden">{title}</span>
    </span>
  );
}
