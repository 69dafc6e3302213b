import type { LanguageModelUsage } from 'ai';
import { formatDuration } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { ModelCall, Store } from '../store/store.ts';
import type { PriceTable } from './price-table.ts';

export type UsageMeter = {
  /** Throws `budget-exceeded`, naming the budget, when the person (or the run) has used theirs up. */
  assertWithinBudget(input: { ownerId: string; runId?: string }): Promise<void>;
  /** Records what one model call used and what it cost. */
  record(call: Omit<ModelCall, 'inputTokens' | 'outputTokens' | 'costUsd'> & { usage: LanguageModelUsage }): Promise<void>;
};

export type UsageMeterOptions = {
  store: Store;
  prices: PriceTable;
  /** Tokens one person may use per UTC day; 0 for no limit. */
  dailyTokensPerUser: number;
  /** Tokens one run may use; 0 for no limit. */
  tokensPerRun: number;
  now?: () => Date;
};

/** Meters every model call and enforces the budgets before the next one (checked per call, so a call in flight finishes). */
export function createUsageMeter({ store, prices, dailyTokensPerUser, tokensPerRun, now = () => new Date() }: UsageMeterOptions): UsageMeter {
  return {
    async assertWithinBudget({ ownerId, runId }) {
      if (dailyTokensPerUser > 0) {
        const today = now();
        const midnight = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
        const used = await store.usage.tokensSince(ownerId, midnight);
        if (used >= dailyTokensPerUser) {
          const resetsInMs = midnight.getTime() + 86_400_000 - today.getTime();
          throw new SkipperError(
            'budget-exceeded',
            `You have used today's budget of ${dailyTokensPerUser.toLocaleString('en')} tokens for the language model ` +
              `(LLM_DAILY_TOKENS_PER_USER). It starts again at midnight UTC, in ${formatDuration(resetsInMs)}.`,
          );
        }
      }
      if (runId !== undefined && tokensPerRun > 0) {
        const used = await store.usage.tokensOfRun(ownerId, runId);
        if (used >= tokensPerRun) {
          throw new SkipperError(
            'budget-exceeded',
            `This run has used its budget of ${tokensPerRun.toLocaleString('en')} tokens for the language model (LLM_TOKENS_PER_RUN).`,
          );
        }
      }
    },

    async record({ usage, ...call }) {
      const tokens = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
      const costUsd = prices.costOf(call.model, tokens);
      await store.usage.record({ ...call, ...tokens, ...(costUsd !== undefined && { costUsd }) });
    },
  };
}
