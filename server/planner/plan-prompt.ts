import type { BrowserOptions, Step } from '../../protocol/index.ts';
import { toModelMessages } from '../assistant/model-history.ts';
import type { Assistant } from '../chat/chat-service.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Logger } from '../logger.ts';
import { commandHelp, parseCommands } from './command-grammar.ts';
import type { CallUsage } from './model-planner.ts';
import { describePlanningResources, loadPlanningResources } from './planning-resources.ts';
import type { NewPlan, Store } from '../store/store.ts';

// A prompt becomes a plan the same way wherever it comes from (POST /api/runs, /run, a new
// schedule): the command grammar first, then the model planner when one is configured, with the
// conversation as context. A schedule plans its prompt once; every fire replays that plan.

/** Messages of the conversation the planner reads as context. */
const HISTORY_MESSAGES = 100;

export type PromptPlanner = (input: {
  ownerId: string;
  conversationId: string | undefined;
  prompt: string;
  /** What did not happen because planning failed, for the message: "nothing was run". */
  nothingDone: string;
}) => Promise<{ plan: NewPlan; call?: CallUsage }>;

/** A plan of the steps the command grammar read. */
export function commandPlan(parsed: { steps: Step[]; browser?: BrowserOptions }): NewPlan {
  return { source: 'grammar', steps: parsed.steps, ...(parsed.browser && { browser: parsed.browser }) };
}

export function createPromptPlanner(options: {
  store: Store;
  assistant?: Pick<Assistant, 'planner' | 'meter' | 'historyTokens'>;
  logger: Logger;
  publicUrl(): string;
}): PromptPlanner {
  const { store, assistant, logger } = options;
  return async ({ ownerId, conversationId, prompt, nothingDone }) => {
    const parsed = parseCommands(prompt);
    if (parsed.ok) return { plan: commandPlan(parsed) };
    if (!assistant) throw new SkipperError('unrecognized-command', commandHelp({ problem: parsed.error.message, baseUrl: options.publicUrl() }));
    await assistant.meter.assertWithinBudget({ ownerId });
    const history = conversationId ? ((await store.messages.page(ownerId, conversationId, { limit: HISTORY_MESSAGES }))?.messages ?? []) : [];
    const resources = await loadPlanningResources(store, ownerId, conversationId);
    try {
      const result = await assistant.planner.plan({
        messages: [...toModelMessages(history, { tokenBudget: assistant.historyTokens }), { role: 'user', content: prompt }],
        context: describePlanningResources(resources),
      });
      if (result.kind === 'reply') {
        await assistant.meter.record({ ownerId, ...(conversationId && { conversationId }), purpose: 'plan', ...result.call });
        throw new SkipperError('unrecognized-command', result.reply);
      }
      const plan: NewPlan = {
        source: 'model',
        steps: result.steps,
        ...(result.browser && { browser: result.browser }),
        model: result.model,
        prompt: result.prompt,
      };
      return { plan, call: result.call };
    } catch (error) {
      if (SkipperError.isInstance(error)) throw error;
      logger.warn({ err: error }, 'the language model could not plan a prompt');
      throw new SkipperError('model-unavailable', `The language model could not plan this prompt; ${nothingDone}. Try again, or write it as commands.`);
    }
  };
}
