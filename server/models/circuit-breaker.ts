import { APICallError, type LanguageModelMiddleware } from 'ai';
import { formatDuration } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';

export type CircuitBreakerOptions = {
  /** Failures in a row that open the breaker. */
  failures: number;
  /** How long it stays open before one call may try again. */
  cooldownMs: number;
  now?: () => number;
};

export type CircuitBreaker = {
  /** Throws `model-unavailable` while the breaker is open; lets one trial call through once it has cooled down. */
  check(): void;
  succeeded(): void;
  failed(error: unknown): void;
  state(): 'closed' | 'open' | 'half-open';
};

/**
 * Stops calling a provider that keeps failing, so a person gets "the model is not answering"
 * at once instead of after every retry and timeout, and lets one call through now and then to
 * notice that it has recovered. Only the provider's failures count: a request it refuses as
 * malformed (4xx other than 408 and 429) says nothing about its health.
 */
export function createCircuitBreaker({ failures, cooldownMs, now = Date.now }: CircuitBreakerOptions): CircuitBreaker {
  let failuresInARow = 0;
  let openedAt: number | undefined;
  let trialUnderWay = false;

  const breaker: CircuitBreaker = {
    check() {
      if (openedAt === undefined) return;
      const waited = now() - openedAt;
      if (waited >= cooldownMs && !trialUnderWay) {
        trialUnderWay = true;
        return;
      }
      throw new SkipperError(
        'model-unavailable',
        `The language model is not answering (it failed ${failuresInARow} times in a row). ` +
          `skipper will try it again in ${formatDuration(Math.max(cooldownMs - waited, 1_000))}; your message is saved.`,
      );
    },
    succeeded() {
      failuresInARow = 0;
      openedAt = undefined;
      trialUnderWay = false;
    },
    failed(error) {
      trialUnderWay = false;
      if (!isProviderFailure(error)) return;
      failuresInARow += 1;
      if (failuresInARow >= failures) openedAt = now();
    },
    state() {
      if (openedAt === undefined) return 'closed';
      return now() - openedAt >= cooldownMs ? 'half-open' : 'open';
    },
  };
  return breaker;
}

/** Whether an error says the provider is unhealthy (down, overloaded, timing out), not that the request was wrong. */
function isProviderFailure(error: unknown): boolean {
  if (SkipperError.isInstance(error)) return false;
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    return status === undefined || status >= 500 || status === 408 || status === 429;
  }
  // Network errors and timeouts; an abort the person asked for is not passed here.
  return true;
}

/**
 * The breaker as AI SDK middleware, so every call to the model goes through it, retries
 * included. A stream counts as a success once it finishes and as a failure if it errors.
 * `isStopped` tells an abort the person asked for (not a failure) from a timeout (a failure).
 */
export function circuitBreakerMiddleware(breaker: CircuitBreaker, isStopped: (error: unknown) => boolean): LanguageModelMiddleware {
  const observe = (error: unknown) => {
    if (!isStopped(error)) breaker.failed(error);
  };
  return {
    specificationVersion: 'v4',
    async wrapGenerate({ doGenerate }) {
      breaker.check();
      try {
        const result = await doGenerate();
        breaker.succeeded();
        return result;
      } catch (error) {
        observe(error);
        throw error;
      }
    },
    async wrapStream({ doStream }) {
      breaker.check();
      let result;
      try {
        result = await doStream();
      } catch (error) {
        observe(error);
        throw error;
      }
      const reader = result.stream.getReader();
      const watched = new ReadableStream({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              controller.close();
              return;
            }
            if (value.type === 'finish') breaker.succeeded();
            if (value.type === 'error') observe(value.error);
            controller.enqueue(value);
          } catch (error) {
            observe(error);
            controller.error(error);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return { ...result, stream: watched };
    },
  };
}
