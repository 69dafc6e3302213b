import type { RunStatus, StepStatus } from '../../protocol/index.ts';

/** A run card's status: its run's, or without a run, whether its plan is still to be decided on or was set aside. */
export type CardStatus = RunStatus | 'planned' | 'discarded' | 'superseded';

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
  discarded: 'Discarded',
  superseded: 'Replaced',
};
