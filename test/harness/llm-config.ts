import type { LlmConfig } from '../../server/config.ts';

/** A model configuration for tests: the local fake OpenAI-compatible server at `baseUrl`, with small, explicit limits. */
export function testLlmConfig(baseUrl: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return {
    baseUrl,
    api: 'chat',
    chatModel: 'fake-chat',
    plannerModel: 'fake-planner',
    browserModel: 'fake-browser',
    timeoutMs: 10_000,
    maxRetries: 1,
    prices: { 'fake-chat': { input: 1, output: 2 }, 'fake-planner': { input: 1, output: 2 }, 'fake-browser': { input: 0.5, output: 1 } },
    dailyTokensPerUser: 10_000_000,
    tokensPerRun: 1_000_000,
    historyTokens: 12_000,
    maxSteps: 6,
    images: false,
    repairMaxAttempts: 2,
    breaker: { failures: 5, cooldownMs: 30_000 },
    ...overrides,
  };
}
