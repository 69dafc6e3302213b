import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: the assistant's text, or an HTTP error. */
export type FakeAnswer = { content: string } | { status: number; error: string };

export type FakeOpenAiServer = {
  /** Base URL to configure as LLM_BASE_URL (ends in /v1). */
  baseUrl: string;
  /** Parsed bodies of the Chat Completions requests received, in order. */
  requests: Record<string, any>[];
  /** Queues answers; each request takes the next one. */
  answer(...answers: FakeAnswer[]): void;
  close(): Promise<void>;
};

/**
 * A local OpenAI-compatible Chat Completions endpoint with scripted answers, so tests run the
 * real provider code (@ai-sdk/openai) over real HTTP. It is the only fake in the test suite.
 */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const requests: Record<string, any>[] = [];
  const queue: FakeAnswer[] = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      response.writeHead(404).end();
      return;
    }
    const parsed = JSON.parse(body) as Record<string, any>;
    requests.push(parsed);
    const next = queue.shift() ?? { status: 500, error: 'no scripted answer left' };
    response.setHeader('Content-Type', 'application/json');
    if ('status' in next) {
      response.writeHead(next.status).end(JSON.stringify({ error: { message: next.error, type: 'server_error' } }));
      return;
    }
    response.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: parsed.model,
        choices: [{ index: 0, message: { role: 'assistant', content: next.content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    answer: (...answers) => queue.push(...answers),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
