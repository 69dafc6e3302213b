import { describeOutput, describeStep, FINAL_RUN_STATUSES, type PlanView, type RunView, type Step } from '../../protocol/index.ts';
import { redact, secretValuesOf } from '../assistant/secret-values.ts';
import { summarizeRun } from '../chat/run-summary.ts';

// How bot commands describe runs and plans, in the chat and in Slack. Text that leaves skipper
// (Slack) must never repeat what a plan types into a password-like field, so every text built
// from a plan goes through `redact`.

export type RunWithPlan = { run: RunView; plan: PlanView };

/** The first 8 characters of an id: what commands show, and take back (`/status 3f2a9c1e`). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Where the run is seen in skipper: its conversation. */
export function runUrl(publicUrl: string, run: RunView): string {
  return `${publicUrl}/c/${run.conversationId}`;
}

/** The last screenshot the run took, as an artifact URL, if it took one. */
export function lastScreenshotUrl(publicUrl: string, run: RunView): string | undefined {
  const shot = run.steps.findLast((step) => step.screenshot)?.screenshot;
  return shot && `${publicUrl}/api/artifacts/${shot.artifactId}`;
}

export function isFinal(run: RunView): boolean {
  return FINAL_RUN_STATUSES.includes(run.status);
}

/** What the run is doing or how it ended, in a sentence or two (without what it read). */
export function runHeadline({ run, plan }: RunWithPlan): string {
  const total = plan.steps.length;
  const secrets = secretValuesOf(plan.steps);
  if (run.status === 'queued') {
    return redact(run.attempt > 0 ? `Waiting for a runner again after attempt ${run.attempt} was lost.` : 'Waiting for a runner.', secrets);
  }
  if (run.status === 'running') {
    const current = run.steps.findIndex((step) => step.status === 'running' || step.status === 'pending');
    const step = plan.steps[current];
    return redact(step ? `Running step ${current + 1} of ${total}: ${describeStep(step)}.` : `Running ${total} ${plural(total, 'step')}.`, secrets);
  }
  // The closing message's first lines say how it ended; what it read follows them.
  const values = extractedValues({ run, plan }).length;
  const downloads = run.steps.some((step) => (step.downloads ?? []).length > 0) ? 1 : 0;
  const lines = summarizeRun({ run, plan }).split('\n');
  return redact(lines.slice(0, lines.length - values - downloads).join('\n'), secrets);
}

/** What the run's steps read (`extract`, AI steps), labelled with their step, in step order. */
export function extractedValues({ run, plan }: RunWithPlan): { label: string; value: string }[] {
  const secrets = secretValuesOf(plan.steps);
  return run.steps.flatMap((state, index) => {
    const output = describeOutput(state.output);
    const step = plan.steps[index];
    return output && step ? [{ label: redact(describeStep(step), secrets), value: redact(output.text, secrets) }] : [];
  });
}

/** A run in a few lines of text: id, status, headline, what it read and where to see it. */
export function describeRun(publicUrl: string, found: RunWithPlan): string {
  const { run } = found;
  const lines = [`Run \`${shortId(run.id)}\` ${statusWord(run)}. ${runHeadline(found)}`];
  for (const { label, value } of extractedValues(found)) lines.push(`${label}: ${truncate(value, 500)}`);
  const screenshot = lastScreenshotUrl(publicUrl, run);
  lines.push(`See it in skipper: ${runUrl(publicUrl, run)}${screenshot ? `\nLast screenshot: ${screenshot}` : ''}`);
  return lines.join('\n');
}

/** A plan's steps, numbered, one a line. */
export function describePlanSteps(steps: readonly Step[]): string {
  const secrets = secretValuesOf(steps);
  return steps.map((step, index) => `${index + 1}. ${redact(describeStep(step), secrets)}`).join('\n');
}

export function statusWord(run: RunView): string {
  switch (run.status) {
    case 'queued':
      return 'is queued';
    case 'running':
      return 'is running';
    default:
      return run.status;
  }
}

export function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

export function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
