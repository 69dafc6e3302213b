import { createOpenAI } from '@ai-sdk/openai';
import { wrapLanguageModel, type LanguageModel } from 'ai';
import type { LlmConfig } from '../config.ts';
import { circuitBreakerMiddleware, createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.ts';
import { createPriceTable, type PriceTable } from './price-table.ts';
import { isStopped } from './reply-stopped.ts';

/** A configured model and the name it is recorded under. */
export type ModelHandle = { model: LanguageModel; name: string };

export type Models = {
  /** The assistant that talks with the person. */
  chat: ModelHandle;
  /** Writes and repairs plans. */
  planner: ModelHandle;
  /** Decides AI steps in the browser. */
  browser: ModelHandle;
  prices: PriceTable;
  /** Shared by every model: they sit behind one provider, which is up or down for all of them. */
  breaker: CircuitBreaker;
  /** Settings every call passes to `streamText`/`generateText`. */
  call: { maxRetries: number; timeout: { stepMs: number }; providerOptions: { openai: { store: boolean } } };
};

/**
 * The one place models are built (ARCHITECTURE: one model module): OpenAI or any
 * OpenAI-compatible server, Chat Completions or the Responses API, every model behind the
 * circuit breaker, with the timeout and retries from config.
 */
export function createModels(config: LlmConfig, options: { fetch?: typeof fetch } = {}): Models {
  const provider = createOpenAI({
    apiKey: config.apiKey ?? 'not-needed',
    ...(config.baseUrl && { baseURL: config.baseUrl }),
    ...(options.fetch && { fetch: options.fetch }),
  });
  const breaker = createCircuitBreaker(config.breaker);
  const middleware = circuitBreakerMiddleware(breaker, isStopped);
  const handle = (name: string): ModelHandle => ({
    name,
    model: wrapLanguageModel({ model: config.api === 'responses' ? provider.responses(name) : provider.chat(name), middleware }),
  });
  return {
    chat: handle(config.chatModel),
    planner: handle(config.plannerModel),
    browser: handle(config.browserModel),
    prices: createPriceTable(config.prices),
    breaker,
    call: {
      maxRetries: config.maxRetries,
      timeout: { stepMs: config.timeoutMs },
      // The Responses API keeps conversations on OpenAI's side unless told not to; skipper keeps its own.
      providerOptions: { openai: { store: false } },
    },
  };
}
