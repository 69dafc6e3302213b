import { createOpenAI } from '@ai-sdk/openai';
import { generateText, isStepCount, streamText, tool, type LanguageModel, type TextStreamPart, type ToolSet } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeOpenAiServer, textAnswer, toolCall, type FakeOpenAiServer } from './fake-openai-server.ts';

// The fake is only worth having if the real provider accepts everything it sends, so every test
// drives it with @ai-sdk/openai and ai over HTTP, through both APIs the provider speaks.

type Body = Record<string, any>;

const APIS = [
  {
    name: 'Chat Completions',
    path: '/v1/chat/completions',
    model: (baseUrl: string): LanguageModel => createOpenAI({ apiKey: 'test-key', baseURL: baseUrl }).chat('fake-model'),
    toolsOffered: (body: Body): string[] => body.tools.map((offered: Body) => offered.function.name),
    toolResults: (body: Body) =>
      body.messages.filter((message: Body) => message.role === 'tool').map((message: Body) => ({ callId: message.tool_call_id, output: message.content })),
  },
  {
    name: 'Responses',
    path: '/v1/responses',
    model: (baseUrl: string): LanguageModel => createOpenAI({ apiKey: 'test-key', baseURL: baseUrl }).responses('fake-model'),
    toolsOffered: (body: Body): string[] => body.tools.map((offered: Body) => offered.name),
    toolResults: (body: Body) =>
      body.input.filter((item: Body) => item.type === 'function_call_output').map((item: Body) => ({ callId: item.call_id, output: item.output })),
  },
] as const;

let fake: FakeOpenAiServer;
beforeEach(async () => {
  fake = await startFakeOpenAiServer();
});
afterEach(async () => {
  await fake.close();
});

/** A tool that records the inputs it was called with. */
function forecastTool() {
  const inputs: unknown[] = [];
  const forecast = tool({
    description: 'The weather forecast for a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async (input) => {
      inputs.push(input);
      return { city: input.city, sky: 'sunny' };
    },
  });
  return { inputs, tools: { forecast } };
}

/** Reads the stream into `parts`, calling `onPart` after each one; rejects where the stream throws. */
async function readInto<TOOLS extends ToolSet>(
  stream: AsyncIterable<TextStreamPart<TOOLS>>,
  parts: TextStreamPart<TOOLS>[],
  onPart: (parts: TextStreamPart<TOOLS>[]) => void = () => {},
): Promise<TextStreamPart<TOOLS>[]> {
  for await (const part of stream) {
    parts.push(part);
    onPart(parts);
  }
  return parts;
}

function textDeltas<TOOLS extends ToolSet>(parts: TextStreamPart<TOOLS>[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
}

describe.each(APIS)('the fake OpenAI server, through $name', (api) => {
  it('answers generateText with the scripted text and usage, and records the request', async () => {
    fake.answer({ content: 'Hello from the fake.', usage: { inputTokens: 12, outputTokens: 5 } });

    const result = await generateText({ model: api.model(fake.baseUrl), instructions: 'Be brief.', prompt: 'Say hello.' });

    expect(result.text).toBe('Hello from the fake.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 5, totalTokens: 17 });
    const [request] = fake.received;
    expect(request).toMatchObject({ position: 1, path: api.path, headers: { authorization: 'Bearer test-key' } });
    expect(request?.body).toMatchObject({ model: 'fake-model' });
    expect(JSON.stringify(request?.body)).toContain('Say hello.');
    expect(await request?.outcome).toBe('answered');
  });

  it('streams the text in the scripted deltas and reports the default usage', async () => {
    const answer = textAnswer('Streaming works, piece by piece, across several deltas.');
    fake.answer(answer);

    const result = streamText({ model: api.model(fake.baseUrl), prompt: 'Stream something.' });
    const parts = await readInto(result.stream, []);

    expect(answer.content.length).toBeGreaterThan(3);
    expect(textDeltas(parts)).toEqual(answer.content);
    expect(parts.filter((part) => part.type === 'error')).toEqual([]);
    expect(await result.usage).toMatchObject({ inputTokens: 100, outputTokens: 50 });
    expect(await result.finishReason).toBe('stop');
    expect(fake.requests[0]?.stream).toBe(true);
  });

  it('runs a streamed tool call round trip: the tool runs, and its result reaches the next request', async () => {
    const { inputs, tools } = forecastTool();
    fake.answer(toolCall('forecast', { city: 'Paris, the capital of France' }), textAnswer('It is sunny in Paris.'));

    const result = streamText({ model: api.model(fake.baseUrl), tools, stopWhen: isStepCount(3), prompt: 'Weather in Paris?' });
    const parts = await readInto(result.stream, []);

    expect(inputs).toEqual([{ city: 'Paris, the capital of France' }]);
    const argumentDeltas = parts.flatMap((part) => (part.type === 'tool-input-delta' ? [part.delta] : []));
    expect(argumentDeltas.length).toBeGreaterThan(1);
    expect(JSON.parse(argumentDeltas.join(''))).toEqual({ city: 'Paris, the capital of France' });
    expect(await result.text).toBe('It is sunny in Paris.');
    expect(fake.received).toHaveLength(2);
    expect(api.toolsOffered(fake.requests[0]!)).toEqual(['forecast']);
    const [toolResult] = api.toolResults(fake.requests[1]!);
    expect(toolResult?.callId).toBe('call_1_0');
    expect(JSON.parse(toolResult?.output)).toEqual({ city: 'Paris, the capital of France', sky: 'sunny' });
  });

  it('runs two tool calls from one generated answer, and sends both results back', async () => {
    const { inputs, tools } = forecastTool();
    fake.answer(
      { toolCalls: [{ id: 'call_rome', name: 'forecast', arguments: { city: 'Rome' } }, { id: 'call_oslo', name: 'forecast', arguments: { city: 'Oslo' } }] },
      { content: 'Sunny in both.' },
    );

    const result = await generateText({ model: api.model(fake.baseUrl), tools, stopWhen: isStepCount(3), prompt: 'Weather in Rome and Oslo?' });

    expect(inputs).toEqual([{ city: 'Rome' }, { city: 'Oslo' }]);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.text).toBe('Sunny in both.');
    expect(api.toolResults(fake.requests[1]!).map((toolResult: { callId: string }) => toolResult.callId)).toEqual(['call_rome', 'call_oslo']);
  });

  it('is retried by the SDK after a 429 with Retry-After', async () => {
    fake.answer({ status: 429, error: 'Rate limit reached', retryAfterSeconds: 0 }, { content: 'Second time lucky.' });

    const result = await generateText({ model: api.model(fake.baseUrl), prompt: 'Hello?', maxRetries: 1 });

    expect(result.text).toBe('Second time lucky.');
    expect(fake.received.map((request) => request.path)).toEqual([api.path, api.path]);
  });

  it('records that a hanging request was aborted by the client', async () => {
    fake.answer({ hang: true });
    const abort = new AbortController();

    const generation = generateText({ model: api.model(fake.baseUrl), prompt: 'Hello?', abortSignal: abort.signal });
    const request = await fake.waitForRequest(1);
    abort.abort();

    await expect(generation).rejects.toMatchObject({ name: 'AbortError' });
    expect(await request.outcome).toBe('aborted');
    expect(request.abortedAt).toBeGreaterThanOrEqual(request.receivedAt);
  });

  it('records that a stream which stalled after some deltas was aborted by the client', async () => {
    const answer = textAnswer('This answer stops halfway and never finishes.');
    fake.answer({ ...answer, interrupt: { afterDeltas: 2, then: 'stall' } });
    const abort = new AbortController();

    const result = streamText({ model: api.model(fake.baseUrl), prompt: 'Talk.', abortSignal: abort.signal });
    const parts = await readInto(result.stream, [], (partsSoFar) => {
      if (textDeltas(partsSoFar).length === 2) abort.abort();
    });

    expect(textDeltas(parts)).toEqual(answer.content.slice(0, 2));
    expect(parts.at(-1)?.type).toBe('abort');
    expect(await fake.received[0]?.outcome).toBe('aborted');
  });

  it('records the abort when ai gives up on a stalled stream after its chunk timeout', async () => {
    fake.answer({ ...textAnswer('This answer stalls after two pieces.'), interrupt: { afterDeltas: 2, then: 'stall' } });

    const result = streamText({ model: api.model(fake.baseUrl), prompt: 'Talk.', timeout: { chunkMs: 200 } });
    const parts = await readInto(result.stream, []);

    expect(parts.at(-1)?.type).toBe('abort');
    expect(await fake.received[0]?.outcome).toBe('aborted');
  });

  it('makes the stream throw when the server destroys the connection after some deltas', async () => {
    const answer = textAnswer('This answer is cut off in the middle.');
    fake.answer({ ...answer, deltaDelayMs: 20, interrupt: { afterDeltas: 3, then: 'destroy' } });
    const parts: TextStreamPart<ToolSet>[] = [];

    const result = streamText({ model: api.model(fake.baseUrl), prompt: 'Talk.', maxRetries: 0 });

    // A dropped connection is thrown from the stream, not sent as an error part.
    await expect(readInto(result.stream, parts)).rejects.toThrow('Failed to process successful response');
    // How many deltas the client reads before the error is a race the fake cannot settle; see the next test.
    expect(answer.content.slice(0, 3).join('').startsWith(textDeltas(parts).join(''))).toBe(true);
    expect(await fake.received[0]?.outcome).toBe('cut');
  });

  it('lets a test cut a stalled stream once its deltas have arrived', async () => {
    const answer = textAnswer('This answer is cut off once the test has seen its start.');
    fake.answer({ ...answer, interrupt: { afterDeltas: 3, then: 'stall' } });
    const parts: TextStreamPart<ToolSet>[] = [];

    const result = streamText({ model: api.model(fake.baseUrl), prompt: 'Talk.', maxRetries: 0 });
    const reading = readInto(result.stream, parts, (partsSoFar) => {
      if (textDeltas(partsSoFar).length === 3) fake.received[0]!.cut();
    });

    await expect(reading).rejects.toThrow('Failed to process successful response');
    expect(textDeltas(parts)).toEqual(answer.content.slice(0, 3));
    expect(await fake.received[0]?.outcome).toBe('cut');
  });

  it('fails a generation whose response body the server cut halfway', async () => {
    fake.answer({ content: 'Never complete.', interrupt: { afterDeltas: 0, then: 'destroy' } });

    await expect(generateText({ model: api.model(fake.baseUrl), prompt: 'Hello?', maxRetries: 0 })).rejects.toThrow();
    expect(await fake.received[0]?.outcome).toBe('cut');
  });

  it('waits before the first byte and between deltas as scripted', async () => {
    fake.answer({ content: ['one', ' two', ' three'], delayMs: 300, deltaDelayMs: 100 });

    const result = streamText({ model: api.model(fake.baseUrl), prompt: 'Count.' });
    const arrivals: number[] = [];
    for await (const part of result.stream) if (part.type === 'text-delta') arrivals.push(Date.now());

    // Bounds from the arrival of the request only: the client may hold a delta back a little, so
    // the gaps between arrivals can be shorter than the gaps between sends.
    const request = fake.received[0]!;
    expect(arrivals).toHaveLength(3);
    expect(arrivals[0]! - request.receivedAt).toBeGreaterThanOrEqual(300);
    expect(arrivals[2]! - request.receivedAt).toBeGreaterThanOrEqual(300 + 2 * 100);
  });
});

describe('the fake OpenAI server', () => {
  it('lets a responder answer by the request, before the queue', async () => {
    fake.respond((request) => (request.path === '/v1/responses' ? { content: 'via Responses' } : undefined));
    fake.answer({ content: 'via the queue' });
    const [chat, responses] = APIS.map((api) => api.model(fake.baseUrl));

    const [fromResponses, fromChat] = await Promise.all([
      generateText({ model: responses!, prompt: 'Which API?' }),
      generateText({ model: chat!, prompt: 'Which API?' }),
    ]);

    expect(fromResponses.text).toBe('via Responses');
    expect(fromChat.text).toBe('via the queue');
  });

  it('streams Chat Completions usage only when stream_options.include_usage asks for it, then [DONE]', async () => {
    fake.answer({ content: 'Hi.' }, { content: 'Hi.' });
    const streamOf = async (extra: Body) => {
      const response = await fetch(`${fake.baseUrl}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'fake-model', messages: [], stream: true, ...extra }),
      });
      return (await response.text()).split('\n\n').filter((event) => event !== '');
    };

    const withUsage = await streamOf({ stream_options: { include_usage: true } });
    const withoutUsage = await streamOf({});

    expect(JSON.parse(withUsage.at(-2)!.slice('data: '.length))).toMatchObject({ choices: [], usage: { prompt_tokens: 100, completion_tokens: 50 } });
    expect(withoutUsage.some((event) => event.includes('"usage"'))).toBe(false);
    expect([withUsage.at(-1), withoutUsage.at(-1)]).toEqual(['data: [DONE]', 'data: [DONE]']);
  });

  it('answers 500 saying so when no scripted answer is left', async () => {
    const generation = generateText({ model: APIS[0].model(fake.baseUrl), prompt: 'Anyone?', maxRetries: 0 });

    await expect(generation).rejects.toMatchObject({ statusCode: 500, message: expect.stringContaining('no scripted answer left') });
  });

  it('honours retry-after-ms over the SDK backoff, which would wait 2 s', async () => {
    fake.answer({ status: 503, error: 'Overloaded', retryAfterMs: 2_500 }, { content: 'Back.' });

    await generateText({ model: APIS[0].model(fake.baseUrl), prompt: 'Hello?', maxRetries: 1 });

    const [first, second] = fake.received;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2_500);
  });
});
