import type { ModelMessage } from 'ai';
import { describeStep, type ChatMessage } from '../../protocol/index.ts';

/** Earlier messages given to the planner as context; older ones are left out. */
const HISTORY_LIMIT = 20;

/** The conversation as the model sees it: text, plans as numbered steps, and how each run ended. */
export function toModelMessages(messages: ChatMessage[]): ModelMessage[] {
  return messages.slice(-HISTORY_LIMIT).map((message) => {
    const lines: string[] = [];
    for (const part of message.parts) {
      if (part.type === 'text') lines.push(part.text);
      if (part.type === 'data-plan') lines.push('Plan:', ...part.data.steps.map((step, index) => `${index + 1}. ${describeStep(step)}`));
      if (part.type === 'data-run') {
        const failed = part.data.steps.find((step) => step.status === 'failed');
        lines.push(`Run ${part.data.status}${failed?.error ? ` at step ${failed.index + 1}: ${failed.error.message}` : ''}.`);
      }
    }
    return { role: message.role, content: lines.join('\n') };
  });
}
