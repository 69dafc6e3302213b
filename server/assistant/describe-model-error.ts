import { APICallError, RetryError } from 'ai';
import type { ErrorInfo } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';

/** Why a model call failed, in words a person can act on. Never the provider's raw body, which may echo the prompt. */
export function describeModelError(error: unknown): ErrorInfo {
  if (SkipperError.isInstance(error)) return { code: error.code, message: error.message };
  if (RetryError.isInstance(error)) {
    const last = describeModelError(error.lastError);
    return { code: 'model-unavailable', message: `${last.message} (tried ${error.errors.length} times)` };
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 401 || status === 403) {
      return { code: 'model-unavailable', message: 'The language model refused the key skipper uses (check OPENAI_API_KEY).' };
    }
    if (status === 429) return { code: 'model-unavailable', message: 'The language model is rate-limiting skipper. Try again in a minute.' };
    return { code: 'model-unavailable', message: `The language model answered with an error${status ? ` (HTTP ${status})` : ''}.` };
  }
  if (error instanceof Error && /timeout|timed out/i.test(`${error.name} ${error.message}`)) {
    return { code: 'model-unavailable', message: 'The language model did not answer in time.' };
  }
  return { code: 'model-unavailable', message: 'The language model could not be reached.' };
}
