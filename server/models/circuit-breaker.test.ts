import { APICallError, generateText, simulateReadableStream, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { SkipperError } from '../errors/skipper-error.ts';
import { circuitBreakerMiddleware, createCircuitBreaker } from './circuit-breaker.ts';

const USAGE = {
  inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 2, text: 2, reasoning: undefined },
};
const ANSWER = {
  content: [{ type: 'text' as const, text: 'ok' }],
  finishReason: { unified: 'stop' as const, raw: undefined },
  usage: USAGE,
  warnings: [],
};

function providerError(statusCode: number) {
  return new APICallError({ message: `HTTP ${statusCode}`, url: 'http://127.0.0.1/v1', requestBodyValues: {}, statusCode, isRetryable: statusCode >= 500 });
}

/** A model whose next calls fail or answer as scripted, behind the breaker. */
function setup(script: (() => Promise<typeof ANSWER>)[]) {
  let clock = 0;
  const breaker = createCircuitBreaker({ failures: 2, cooldownMs: 10_000, now: () => clock });
  const calls: number[] = [];
  const model = wrapLanguageModel({
    model: new MockLanguageModelV4({
      doGenerate: async () => {
        calls.push(clock);
        const next = script.shift();
        if (!next) throw new Error('no scripted answer');
        return next();
      },
    }),
    middleware: circuitBreakerMiddleware(breaker, (error) => (error as Error).name === 'StoppedByPerson'),
  });
  const ask = () => generateText({ model, prompt: 'hi', maxRetries: 0 });
  return { breaker, calls, ask, advance: (ms: number) => (clock += ms) };
}

describe('circuit breaker', () => {
  it('opens after failures in a row, fails fast while open, and closes when a trial call succeeds', async () => {
    const fail = () => Promise.reject(providerError(503));
    const { breaker, calls, ask, advance } = setup([fail, fail, fail, async () => ANSWER]);
    await expect(ask()).rejects.toThrow('HTTP 503');
    await expect(ask()).rejects.toThrow('HTTP 503');
    expect(breaker.state()).toBe('open');

    const fastFailure = await ask().catch((error: unknown) => error);
    expect(SkipperError.isInstance(fastFailure) && fastFailure.code).toBe('model-unavailable');
    expect((fastFailure as Error).message).toContain('try it again in 10 s');
    expect(calls).toHaveLength(2); // the provider was not called

    advance(10_000);
    expect(breaker.state()).toBe('half-open');
    await expect(ask()).rejects.toThrow('HTTP 503'); // the trial fails: open again
    expect(breaker.state()).toBe('open');
    advance(10_000);
    await expect(ask()).resolves.toMatchObject({ text: 'ok' });
    expect(breaker.state()).toBe('closed');
    expect(calls).toHaveLength(4);
  });

  it('does not count refused requests or the person stopping a reply', async () => {
    const stopped = Object.assign(new Error('stopped'), { name: 'StoppedByPerson' });
    const { breaker, ask } = setup([() => Promise.reject(providerError(400)), () => Promise.reject(stopped), () => Promise.reject(providerError(400))]);
    for (let index = 0; index < 3; index += 1) await expect(ask()).rejects.toThrow();
    expect(breaker.state()).toBe('closed');
  });

  it('counts a stream by how it ends', async () => {
    const breaker = createCircuitBreaker({ failures: 1, cooldownMs: 10_000 });
    const streamOf = (chunks: unknown[]) =>
      wrapLanguageModel({
        model: new MockLanguageModelV4({ doStream: async () => ({ stream: simulateReadableStream({ chunks: chunks as never[] }) }) }),
        middleware: circuitBreakerMiddleware(breaker, () => false),
      });
    const finished = [
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'hi' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage: USAGE },
    ];
    await streamText({ model: streamOf(finished), prompt: 'hi' }).text;
    expect(breaker.state()).toBe('closed');
    const failing = [{ type: 'error', error: providerError(500) }];
    await streamText({ model: streamOf(failing), prompt: 'hi', onError: () => {} }).consumeStream();
    expect(breaker.state()).toBe('open');
  });
});
