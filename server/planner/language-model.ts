import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel } from 'ai';

export type LanguageModelOptions = {
  /** OpenAI key; local OpenAI-compatible servers usually need none. */
  apiKey?: string;
  /** An OpenAI-compatible endpoint (Ollama, vLLM, LM Studio) instead of OpenAI. */
  baseUrl?: string;
  model: string;
};

/**
 * A chat model on OpenAI or any OpenAI-compatible server. It uses Chat Completions, the API
 * every such server implements, rather than OpenAI's newer Responses API.
 */
export function createLanguageModel({ apiKey, baseUrl, model }: LanguageModelOptions): LanguageModel {
  const provider = createOpenAI({ apiKey: apiKey ?? 'not-needed', ...(baseUrl && { baseURL: baseUrl }) });
  return provider.chat(model);
}
