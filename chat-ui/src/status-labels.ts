import type { ResolutionSource, RunStatus, StepStatus } from '../../protocol/index.ts';

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

/** How an AI step was resolved in a run: a word for its badge and a sentence for its tooltip. */
export const RESOLUTION_LABELS: Record<ResolutionSource, { label: string; title: string }> = {
  model: { label: 'model', title: 'The model worked out this step; later runs replay what it did without calling the model.' },
  replayed: { label: 'replayed', title: 'Replayed what the model worked out in an earlier run, with no model call.' },
  healed: {
    label: 'healed',
    title: 'Replaying what the model worked out before no longer worked, so the model worked it out again; later runs replay the new way.',
  },
};
