import type { ModelMessage } from 'ai';
import { describeStep, MAX_PLAN_STEPS, type PlanView, type RunView, type Step } from '../../protocol/index.ts';
import { redact, secretValuesOf } from '../assistant/secret-values.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import { assertAttachedFiles } from '../files/plan-attachments.ts';
import type { CallUsage, ModelPlanner } from '../planner/model-planner.ts';
import { describePlanningResources, loadPlanningResources } from '../planner/planning-resources.ts';
import { isSafeToRetry } from '../runs/lost-attempt-policy.ts';
import type { Store } from '../store/store.ts';

/** Step failures a repaired plan may get past; anything else (cancelled, budget, runner lost) is not the plan's fault. */
const REPAIRABLE_ERRORS = new Set(['target-not-found', 'timeout', 'action-failed', 'assertion-failed', 'navigation-failed']);

export type Repair = {
  /** For the person: what failed, what was changed and why. */
  explanation: string;
  /** The whole repaired plan: the steps before the failed one, then the planner's replacement. */
  steps: Step[];
  model: string;
  prompt: { name: string; hash: string };
};

/** What asking the planner gave (`repair` absent when it found none that may be taken), and what it used. */
export type RepairResult = { repair?: Repair; call: CallUsage };

export type PlanRepair = {
  /**
   * Whether the plan of this run may be repaired: the run failed at a step for a reason a plan
   * can get past (an element not found, a timeout...), the plan changes no data (every step is
   * safe to do again), and it has been repaired fewer than `maxAttempts` times.
   */
  canRepair(run: RunView, plan: PlanView): boolean;
  /** Asks the planner to repair it; null when it may not be. Throws what the model call threw. */
  propose(input: { ownerId: string; run: RunView; plan: PlanView }): Promise<RepairResult | null>;
};

export type PlanRepairOptions = {
  store: Store;
  /** The planner with the repair prompt. */
  planner: ModelPlanner;
  /** Repairs in a row one plan may get; 0 turns repair off. */
  maxAttempts: number;
  /** Whether the planner model reads images: then it gets the failed step's screenshot too. */
  images: boolean;
};

export function createPlanRepair({ store, planner, maxAttempts, images }: PlanRepairOptions): PlanRepair {
  /** The failed step, if the plan may be repaired past it. */
  function repairable(run: RunView, plan: PlanView) {
    if (run.status !== 'failed' || (plan.repairs ?? 0) >= maxAttempts) return null;
    if (!plan.steps.every(isSafeToRetry)) return null;
    const index = run.steps.findIndex((step) => step.status === 'failed');
    const failed = run.steps[index];
    if (!failed?.error || !REPAIRABLE_ERRORS.has(failed.error.code)) return null;
    return { index, state: failed, error: failed.error };
  }

  async function attachedFilesOnly(ownerId: string, conversationId: string, steps: Step[]): Promise<boolean> {
    try {
      await assertAttachedFiles(store, ownerId, conversationId, steps);
      return true;
    } catch (error) {
      if (SkipperError.isInstance(error) && error.code === 'invalid-request') return false;
      throw error;
    }
  }

  return {
    canRepair: (run, plan) => repairable(run, plan) !== null,

    async propose({ ownerId, run, plan }) {
      const failure = repairable(run, plan);
      if (!failure) return null;
      const secrets = secretValuesOf(plan.steps);
      const { output } = failure.state;
      const report = [
        `The plan (JSON): ${JSON.stringify(plan.steps)}`,
        `Step ${failure.index + 1} (${describeStep(plan.steps[failure.index]!)}) failed: ${failure.error.message}`,
        `The page then: ${output?.url ?? 'address unknown'}`,
        `Accessibility snapshot:\n${output?.snapshot ?? '(none was taken)'}`,
        `Write the steps that replace step ${failure.index + 1} and the ones after it.`,
      ].join('\n\n');
      const screenshot = images && failure.state.screenshot ? await store.artifacts.get(ownerId, failure.state.screenshot.artifactId) : null;
      const message: ModelMessage = {
        role: 'user',
        content: [
          { type: 'text', text: redact(report, secrets) },
          ...(screenshot ? [{ type: 'file' as const, data: screenshot.bytes, mediaType: screenshot.mimeType }] : []),
        ],
      };
      // The files and sessions the repaired steps may use, when there are any (the failed plan shows those it used).
      const resources = await loadPlanningResources(store, ownerId, run.conversationId);
      const context = resources.attachments.length + resources.sessions.length > 0 ? describePlanningResources(resources) : undefined;
      const result = await planner.plan({ messages: [message], ...(context && { context }) });
      if (result.kind !== 'plan') return { call: result.call };
      const steps = [...plan.steps.slice(0, failure.index), ...result.steps];
      // A repair that adds a step which changes data, or overflows the plan, is not taken.
      if (steps.length > MAX_PLAN_STEPS || !steps.every(isSafeToRetry)) return { call: result.call };
      // Nor one that uploads a file the conversation does not have.
      if (!(await attachedFilesOnly(ownerId, run.conversationId, steps))) return { call: result.call };
      const what = `Step ${failure.index + 1} (${describeStep(plan.steps[failure.index]!)}) failed: ${failure.error.message}`;
      const explanation = `${what}\n\n**Repaired** (repair ${(plan.repairs ?? 0) + 1} of at most ${maxAttempts}): ${result.reply} Running the repaired plan now.`;
      return { repair: { explanation, steps, model: result.model, prompt: result.prompt }, call: result.call };
    },
  };
}
