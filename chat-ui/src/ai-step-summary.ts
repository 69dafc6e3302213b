import { formatDuration } from '../../protocol/index.ts';
import type { StepOutput, StepState } from '../../protocol/index.ts';
import { formatUsage } from './format-usage.ts';

/**
 * What an AI step's model calls used and how its time split between waiting for the model and
 * working the browser: "gpt-4.1-mini · 1,200 tokens in, 350 out · $0.0012 · model 1.8 s, browser 0.4 s".
 * Undefined for a step that made no model call (a replayed one says so with its badge).
 */
export function describeModelUse(state: StepState): string | undefined {
  const modelMs = state.output?.modelMs ?? 0;
  const parts = [
    ...(state.usage ? [formatUsage(state.usage)] : []),
    ...(modelMs > 0 && state.durationMs !== undefined ? [`model ${formatDuration(modelMs)}, browser ${formatDuration(Math.max(0, state.durationMs - modelMs))}`] : []),
  ];
  return parts.length === 0 ? undefined : parts.join(' · ');
}

/** How an `agent` step ended: "Finished after 3 actions", or "Stopped at its limit of 10 actions". */
export function describeAgentEnd({ finished, actions }: NonNullable<StepOutput['agent']>): string {
  const count = `${actions} ${actions === 1 ? 'action' : 'actions'}`;
  return finished ? `Finished after ${count}` : `Stopped at its limit of ${count}`;
}
