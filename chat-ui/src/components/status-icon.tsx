import type { StepStatus } from '../../../protocol/index.ts';
import type { CardStatus } from '../status-labels.ts';

/** A shape per status, so status never depends on colour alone. Decorative: callers give the words. */
export function StatusIcon({ status }: { status: StepStatus | CardStatus }) {
  return (
    <svg className={`status-icon status-icon--${status}`} viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
      {shape(status)}
    </svg>
  );
}

function shape(status: StepStatus | CardStatus) {
  switch (status) {
    case 'pending':
    case 'planned':
      return <circle cx="10" cy="10" r="7" fill="none" stroke="currentColor" strokeWidth="1.75" />;
    case 'queued':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
          <circle cx="10" cy="10" r="7" />
          <path d="M10 6v4l2.5 2" />
        </g>
      );
    case 'running':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="2.25" strokeLinecap="round">
          <circle cx="10" cy="10" r="7" opacity="0.25" />
          <path className="status-icon-spinner" d="M10 3a7 7 0 0 1 7 7" />
        </g>
      );
    case 'succeeded':
      return (
        <g>
          <circle cx="10" cy="10" r="8" fill="currentColor" />
          <path d="M6.5 10.3l2.3 2.3 4.7-5" fill="none" stroke="var(--on-status)" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </g>
      );
    case 'failed':
      return (
        <g>
          <circle cx="10" cy="10" r="8" fill="currentColor" />
          <path d="M7.2 7.2l5.6 5.6M12.8 7.2l-5.6 5.6" stroke="var(--on-status)" strokeWidth="2" strokeLinecap="round" />
        </g>
      );
    case 'skipped':
    case 'superseded':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
          <circle cx="10" cy="10" r="7" strokeDasharray="2.5 2.5" />
          <path d="M7 10h6" />
        </g>
      );
    case 'cancelled':
    case 'discarded':
      return (
        <g fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
          <circle cx="10" cy="10" r="7" />
          <path d="M5.5 14.5l9-9" />
        </g>
      );
  }
}
