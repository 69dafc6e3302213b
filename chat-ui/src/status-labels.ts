import type { RunStatus, StepStatus } from '../../protocol/index.ts';

/** A run card with no run yet (a plan that was not started). */
export type CardStatus = RunStatus | 'planned';

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

export const RUN_STATUS_LABELS: Record<CardStatus, string> = {
  planned: 'Not started',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
