import type { PlanView, RunView, Step, StepState } from '../../protocol/index.ts';
import { describeStep, formatDuration, isAiStep } from '../../protocol/index.ts';
import { describeDialogAnswer } from './step-browser-events.ts';

/** One step's row: `ai` for a step that calls a language model (known from the plan, or else from a resolution it reported). */
export type StepRowModel = { index: number; label: string; ai: boolean; state: StepState | undefined };

/** A row per step of the plan, with its state in one attempt; steps are numbered only when the plan is not known. */
export function stepRows(plan: PlanView | undefined, states: readonly StepState[]): StepRowModel[] {
  const byIndex = new Map(states.map((state) => [state.index, state]));
  const count = Math.max(plan?.steps.length ?? 0, ...states.map((state) => state.index + 1));
  return Array.from({ length: count }, (_, index) => {
    const step = plan?.steps[index];
    const state = byIndex.get(index);
    return { index, label: step ? describePlannedStep(step) : `Step ${index + 1}`, ai: step ? isAiStep(step) : state?.output?.resolution !== undefined, state };
  });
}

/** The step's sentence, with how it answers dialogs when that is not the default: `Click "Delete", dismissing any dialog`. */
function describePlannedStep(step: Step): string {
  const dialog = describeDialogAnswer(step.dialog);
  return dialog ? `${describeStep(step)}, ${dialog}` : describeStep(step);
}

/** One sentence on where a plan's card stands: its run, or, without one, what became of the plan. */
export function summarizeCard(plan: PlanView | undefined, run: RunView | undefined, rows: readonly StepRowModel[]): string {
  if (!run && plan?.status === 'proposed') return `Waiting for you: run, edit or discard ${rows.length === 1 ? 'this step' : `these ${rows.length} steps`}.`;
  if (!run && plan?.status === 'discarded') return 'Discarded: this plan will not run.';
  if (!run && plan?.status === 'superseded') return 'Replaced by a newer version of this plan.';
  return summarizeRun(run, rows);
}

/**
 * One sentence on where a run stands, read out by screen readers as it changes
 * ("Running step 2 of 5: Click "Sign in"."), so it names the step, not only the status.
 */
function summarizeRun(run: RunView | undefined, rows: readonly StepRowModel[]): string {
  const total = rows.length;
  const done = rows.filter((row) => row.state?.status === 'succeeded').length;
  if (!run) return `Not started. ${total} ${total === 1 ? 'step' : 'steps'} planned.`;
  switch (run.status) {
    case 'queued':
      return run.attempt === 0 ? 'Queued, waiting for a free browser.' : `Queued again after attempt ${run.attempt}, waiting for another browser.`;
    case 'running': {
      const current = rows.find((row) => row.state?.status === 'running');
      if (current) return `Running step ${current.index + 1} of ${total}: ${current.label}.`;
      return `Running: ${done} of ${total} steps done.`;
    }
    case 'succeeded': {
      const elapsed = runDuration(run);
      return `Done: all ${total} ${total === 1 ? 'step' : 'steps'} succeeded${elapsed === undefined ? '' : ` in ${formatDuration(elapsed)}`}.`;
    }
    case 'failed': {
      const failed = rows.find((row) => row.state?.status === 'failed');
      return failed ? `Failed at step ${failed.index + 1} of ${total}: ${failed.label}.` : `Failed after ${done} of ${total} steps.`;
    }
    case 'cancelled':
      return `Cancelled after ${done} of ${total} steps.`;
  }
}

function runDuration(run: RunView): number | undefined {
  if (run.startedAt && run.endedAt) return Math.max(0, Date.parse(run.endedAt) - Date.parse(run.startedAt));
  const durations = run.steps.map((step) => step.durationMs ?? 0);
  return durations.length === 0 ? undefined : durations.reduce((sum, ms) => sum + ms, 0);
}
