import { describeOutput, describeStep, type PlanView, type RunView } from '../../protocol/index.ts';

/** The closing message of a run: what happened, in one or two sentences, plus anything it read. */
export function summarizeRun({ run, plan }: { run: RunView; plan: PlanView }): string {
  const total = plan.steps.length;
  const succeeded = run.steps.filter((step) => step.status === 'succeeded').length;
  const took = run.startedAt && run.endedAt ? ` in ${formatSeconds(Date.parse(run.endedAt) - Date.parse(run.startedAt))}` : '';
  const lines: string[] = [];

  if (run.status === 'succeeded') {
    lines.push(`Done: all ${total} ${plural(total, 'step')} succeeded${took}.`);
  } else if (run.status === 'cancelled') {
    lines.push(`Cancelled after ${succeeded} of ${total} ${plural(total, 'step')}.`);
  } else {
    const failedIndex = run.steps.findIndex((step) => step.status === 'failed');
    const failedStep = plan.steps[failedIndex];
    const reason = run.steps[failedIndex]?.error?.message ?? run.error?.message ?? 'no reason was given';
    lines.push(
      failedStep
        ? `Failed at step ${failedIndex + 1} of ${total} (${describeStep(failedStep)}): ${reason}`
        : `The run failed: ${reason}`,
    );
    if (succeeded > 0) lines.push(`${succeeded} ${plural(succeeded, 'step')} before it succeeded.`);
  }

  for (const [index, step] of run.steps.entries()) {
    const output = describeOutput(step.output);
    const planned = plan.steps[index];
    if (output !== undefined && planned) lines.push(`${describeStep(planned)}: ${truncate(output.text, 500)}`);
  }
  const downloads = run.steps.flatMap((step) => (step.downloads ?? []).map((file) => `"${file.fileName}"`));
  if (downloads.length > 0) lines.push(`Downloaded ${downloads.join(', ')}.`);
  return lines.join('\n');
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
