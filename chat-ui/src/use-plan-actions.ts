import { useMemo } from 'react';
import type { EditPlanBody, PlanView, RunView } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';

/** What a person can do from a plan's card. Each rejects with an ApiError the card shows beside the button. */
export type PlanActions = {
  /** Runs a proposed plan; the run appears in the same card. */
  approvePlan(planId: string): Promise<void>;
  /** Saves edited steps and browser options as the plan's next version, which takes its place in the card. */
  editPlan(planId: string, edit: EditPlanBody): Promise<void>;
  discardPlan(planId: string): Promise<void>;
  /** Runs a plan that ran already once more; the new run arrives as a new message. */
  runPlan(planId: string): Promise<void>;
  cancelRun(runId: string): Promise<void>;
};

type PlanActionsOptions = {
  api: ApiClient;
  /** Shows a plan or run from a response at once, before the socket reports it (or if it is down). */
  applyPlan(plan: PlanView): void;
  applyRun(run: RunView): void;
};

export function usePlanActions({ api, applyPlan, applyRun }: PlanActionsOptions): PlanActions {
  return useMemo(
    () => ({
      async approvePlan(planId) {
        // The plan's message gets the run, and the plan its new status, over the socket.
        await api.approvePlan(planId);
      },
      async editPlan(planId, edit) {
        applyPlan(await api.editPlan(planId, edit));
      },
      async discardPlan(planId) {
        applyPlan(await api.discardPlan(planId));
      },
      async runPlan(planId) {
        await api.runPlan(planId);
      },
      async cancelRun(runId) {
        applyRun(await api.cancelRun(runId));
      },
    }),
    [api, applyPlan, applyRun],
  );
}
