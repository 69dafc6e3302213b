// `npm run bench:assistant`: what skipper adds between a model's streamed tokens and a chat tab.
// A local OpenAI-compatible endpoint streams 500 tokens, each stamped when it is written; a
// WebSocket client (as the chat UI) stamps each when it arrives. Also: the time from POSTing a
// message to the model request arriving. Everything runs in this process, on one clock.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { testLlmConfig } from '../test/harness/llm-config.ts';
import { startTestServer } from '../test/harness/test-server.ts';
import { connectUi } from '../test/harness/ui-client.ts';

const TOKENS = 500;
const ROUNDS = 3;
/** Gap between tokens, like a fast model (about 200 tokens a second). */
const TOKEN_GAP_MS = 5;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

/** A Chat Completions endpoint that streams `TOKENS` tokens "t0 ", "t1 "…, stamping each as it is written. */
async function startTokenSource() {
  const sent: number[] = [];
  let requestArrivedAt = 0;
  const server = createServer(async (request, response) => {
    for await (const _chunk of request);
    requestArrivedAt = performance.now();
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const event = (delta: object, extra: object = {}) =>
      response.write(`data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'fake-chat', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`);
    event({ role: 'assistant', content: '' });
    for (let index = 0; index < TOKENS; index += 1) {
      sent[index] = performance.now();
      event({ content: `t${index} ` });
      await new Promise((resolve) => setTimeout(resolve, TOKEN_GAP_MS));
    }
    response.write(`data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'fake-chat', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    response.write(`data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'fake-chat', choices: [], usage: { prompt_tokens: 10, completion_tokens: TOKENS, total_tokens: TOKENS + 10 } })}\n\n`);
    response.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    sent,
    arrivedAt: () => requestArrivedAt,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
const source = await startTokenSource();
const server = await startTestServer({ database: { url: postgres.url, drop: async () => {} }, llm: testLlmConfig(source.baseUrl, { historyTokens: 1_000 }) });
const perToken: number[] = [];
const firstToken: number[] = [];
const toProvider: number[] = [];

try {
  for (let round = 0; round <= ROUNDS; round += 1) {
    const { body } = await server.api('/api/conversations', { body: {} });
    const client = await connectUi(server.baseUrl);
    await client.subscribe(body.conversation.id);
    const received: number[] = [];
    client.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; chunk?: { type: string; delta?: string } };
      if (frame.type !== 'message-chunk' || frame.chunk?.type !== 'text-delta') return;
      for (const token of frame.chunk.delta!.matchAll(/t(\d+) /g)) received[Number(token[1])] = performance.now();
    });
    const postedAt = performance.now();
    const posted = await server.api(`/api/conversations/${body.conversation.id}/messages`, { body: { text: 'stream for the benchmark' } });
    const replyId = posted.body.messages[1].id as string;
    await client.waitForMessage((message) => message.id === replyId && message.metadata.status !== 'streaming', 60_000);
    client.close();
    if (round === 0) continue; // warm-up
    toProvider.push(source.arrivedAt() - postedAt);
    firstToken.push(received[0]! - source.sent[0]!);
    for (let index = 0; index < TOKENS; index += 1) perToken.push(received[index]! - source.sent[index]!);
  }
  console.log(`Assistant streaming, ${TOKENS} tokens x ${ROUNDS} rounds after a warm-up, ${new Date().toISOString()}`);
  console.table({
    'provider token -> WebSocket client, per token': { median: ms(percentile(perToken, 50)), p95: ms(percentile(perToken, 95)) },
    "provider's first token -> client's first token": { median: ms(percentile(firstToken, 50)), p95: ms(percentile(firstToken, 95)) },
    'POST message -> model request at the provider': { median: ms(percentile(toProvider, 50)), p95: ms(percentile(toProvider, 95)) },
  });
} finally {
  await server.stop();
  await source.close();
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
