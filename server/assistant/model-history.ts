import type { ModelMessage } from 'ai';
import { countTokens } from 'gpt-tokenizer';
import { describeOutput, describeStep, formatDuration, type ChatMessage, type PlanView, type RunView } from '../../protocol/index.ts';
import { describeBrowserOptions } from '../planner/planning-resources.ts';
import { redact, secretValuesIn } from './secret-values.ts';

/** Steps of a run listed in full; a longer run is summarised. */
const STEPS_SHOWN = 12;
/** Characters of a step's output shown; the model can read it all with get_run. */
const OUTPUT_SHOWN = 300;

export type HistoryOptions = {
  /** Most tokens the history may take; older messages are left out first. */
  tokenBudget: number;
};

/**
 * The conversation as a model reads it: what was said, the plans (numbered steps, with their
 * ids, so tools can name them), and how each run went with what it read. Values typed into
 * password-like fields are replaced by "[secret]" everywhere, and the oldest messages are left
 * out when the whole does not fit the token budget; the newest message is always kept.
 */
export function toModelMessages(messages: readonly ChatMessage[], { tokenBudget }: HistoryOptions): ModelMessage[] {
  const secrets = secretValuesIn(messages);
  const rendered = messages
    .map((message) => ({ role: message.role, content: redact(renderMessage(message), secrets) }))
    .filter((message) => message.content.length > 0);
  const kept: ModelMessage[] = [];
  let tokens = 0;
  for (let index = rendered.length - 1; index >= 0; index -= 1) {
    const message = rendered[index]!;
    tokens += countTokens(message.content);
    if (tokens > tokenBudget && kept.length > 0) break;
    kept.unshift(message);
  }
  return kept;
}

function renderMessage(message: ChatMessage): string {
  const lines: string[] = [];
  for (const part of message.parts) {
    if (part.type === 'text') lines.push(part.text);
    if (part.type === 'data-plan') lines.push(renderPlan(part.data));
    if (part.type === 'data-run') lines.push(renderRun(part.data, message.parts.find((candidate) => candidate.type === 'data-plan')?.data));
  }
  if (message.metadata.status === 'stopped') lines.push('(The person stopped this reply here.)');
  if (message.metadata.status === 'failed') lines.push(`(This reply failed: ${message.metadata.error?.message ?? 'no reason given'})`);
  return lines.join('\n').trim();
}

function renderPlan(plan: PlanView): string {
  const header = `[Plan ${plan.id}, version ${plan.version}, ${plan.status}]`;
  const browser = plan.browser ? [`Browser: ${describeBrowserOptions(plan.browser)}`] : [];
  return [header, ...browser, ...plan.steps.map((step, index) => `${index + 1}. ${describeStep(step)}`)].join('\n');
}

/** How a run went, briefly: its status, where it failed, and what its steps read. */
export function renderRun(run: RunView, plan: PlanView | undefined): string {
  const took = run.startedAt && run.endedAt ? ` in ${formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))}` : '';
  const lines = [`[Run ${run.id}: ${run.status}${took}${run.attempt > 1 ? `, attempt ${run.attempt}` : ''}]`];
  if (run.error && run.status !== 'succeeded') lines.push(`Error: ${run.error.message}`);
  const notable = run.steps.filter((step) => describeOutput(step.output) !== undefined || step.status === 'failed');
  for (const step of notable.slice(0, STEPS_SHOWN)) {
    const planned = plan?.steps[step.index];
    const label = `Step ${step.index + 1}${planned ? ` (${describeStep(planned)})` : ''}`;
    if (step.status === 'failed') lines.push(`${label} failed: ${step.error?.message ?? 'no reason given'}`);
    else {
      const { verb, text } = describeOutput(step.output)!;
      lines.push(`${label} ${verb}: ${truncate(text, OUTPUT_SHOWN)}`);
    }
  }
  if (notable.length > STEPS_SHOWN) lines.push(`(${notable.length - STEPS_SHOWN} more steps with output: use get_run)`);
  const downloads = run.steps.flatMap((step) => (step.downloads ?? []).map((file) => `${JSON.stringify(file.fileName)} (step ${step.index + 1})`));
  if (downloads.length > 0) lines.push(`Downloaded: ${downloads.slice(0, STEPS_SHOWN).join(', ')}`);
  return lines.join('\n');
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
