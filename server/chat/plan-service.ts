import type { BrowserOptions, PlanView, RunView, Step } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { assertAttachedFiles } from '../files/plan-attachments.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import { textParts, type PlanChange, type Store } from '../store/store.ts';

export type PlanService = {
  /** Runs a proposed plan: the run appears in the plan's message. */
  approve(ownerId: string, planId: string): Promise<{ run: RunView; conversationId: string }>;
  /**
   * Replaces a proposed plan's steps with a new version, which keeps the plan's browser options
   * unless new ones are given (`{}` for none). Upload steps may set only files attached to the plan's conversation.
   */
  edit(ownerId: string, planId: string, steps: Step[], browser?: BrowserOptions): Promise<PlanView>;
  discard(ownerId: string, planId: string): Promise<PlanView>;
  /** Runs a plan: a proposed one is approved; one that ran already runs once more, in a new message. */
  run(ownerId: string, planId: string): Promise<{ run: RunView; conversationId: string }>;
};

export type PlanServiceOptions = {
  store: Store;
  hub: ConversationHub;
  /** Attempts each run gets if its runner is lost, and runs a person may have waiting. */
  runLimits: { maxAttempts: number; maxQueued: number };
  /** A run was queued: a runner can pick it up at once. */
  onRunQueued(): void;
};

/** What people (and the assistant, for them) do with plans: run, edit, discard, run again. */
export function createPlanService({ store, hub, runLimits, onRunQueued }: PlanServiceOptions): PlanService {
  function tooManyRuns(queued: number): SkipperError {
    return new SkipperError(
      'too-many-runs',
      `You already have ${queued} runs waiting, the most allowed at once. Wait for some to finish, or cancel some, then try again.`,
    );
  }

  /** The plan after a change, or the domain error that says why it could not change. */
  function changed(result: PlanChange | null, refusal: (plan: PlanView) => string): PlanView {
    if (!result) throw SkipperError.notFound('plan');
    if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
    if (result.status === 'refused') throw new SkipperError('conflict', refusal(result.plan));
    hub.publish(result.change);
    return result.plan;
  }

  async function runOf(ownerId: string, runId: string, conversationId: string) {
    const created = await store.runs.get(ownerId, runId);
    onRunQueued();
    return { run: created!.run, conversationId };
  }

  const service: PlanService = {
    async approve(ownerId, planId) {
      const result = await store.plans.approve(ownerId, planId, runLimits);
      const plan = changed(result, (current) =>
        current.status === 'approved'
          ? 'This plan has already run. Use Run again to run it once more.'
          : `This plan was ${current.status === 'superseded' ? 'edited into a newer version; run that one' : 'discarded'}.`,
      );
      const stored = await store.plans.get(ownerId, plan.id);
      return runOf(ownerId, (result as { runId: string }).runId, stored!.conversationId);
    },

    async edit(ownerId, planId, steps, browser) {
      const plan = await store.plans.get(ownerId, planId);
      if (!plan) throw SkipperError.notFound('plan');
      await assertAttachedFiles(store, ownerId, plan.conversationId, steps);
      return changed(await store.plans.edit(ownerId, planId, steps, browser), (current) =>
        current.status === 'approved'
          ? 'This plan has already run, so it cannot be edited. Use Run again, or ask for a new plan.'
          : `This plan was ${current.status === 'superseded' ? 'edited already; edit its newest version' : 'discarded'}.`,
      );
    },

    async discard(ownerId, planId) {
      return changed(await store.plans.discard(ownerId, planId), (current) =>
        current.status === 'approved' ? 'This plan has already run.' : `This plan was ${current.status} already.`,
      );
    },

    async run(ownerId, planId) {
      const plan = await store.plans.get(ownerId, planId);
      if (!plan) throw SkipperError.notFound('plan');
      if (plan.status === 'proposed') return service.approve(ownerId, planId);
      if (plan.status !== 'approved') {
        throw new SkipperError('conflict', `This plan was ${plan.status === 'superseded' ? 'edited into a newer version; run that one' : 'discarded'}.`);
      }
      const count = plan.steps.length;
      const result = await store.messages.appendAssistant(ownerId, plan.conversationId, {
        parts: textParts(`Running this plan again: ${count} ${count === 1 ? 'step' : 'steps'}.`),
        plan: { id: plan.id },
        run: runLimits,
      });
      if (!result) throw SkipperError.notFound('plan');
      if (result.status === 'too-many-runs') throw tooManyRuns(result.queued);
      if (result.status !== 'appended' || !result.runId) throw new Error('the run was not queued');
      hub.publish(result.change);
      return runOf(ownerId, result.runId, plan.conversationId);
    },
  };
  return service;
}
