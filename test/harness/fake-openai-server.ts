import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createGrowingList } from './growing-list.ts';

/** A tool the assistant calls; `arguments` is sent as JSON text unless it already is a string. */
export type FakeToolCall = { id?: string; name: string; arguments: Record<string, unknown> | string };

/** What the assistant says: text, tool calls, or both (text first). */
export type FakeReply = {
  /** The text. An array is streamed piece by piece; a string is split into word-sized pieces. */
  content?: string | string[];
  toolCalls?: FakeToolCall[];
  /** Chat Completions only; the Responses API has no finish reason. Default: `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'tool_calls';
  /** Default: 100 input (prompt) tokens and 50 output (completion) tokens. */
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Milliseconds before the first byte of the response. Default 0. */
  delayMs?: number;
  /** Answer only once this settles: the test decides when the model has answered. */
  holdUntil?: Promise<unknown>;
  /** Milliseconds between streamed events. Default 0. */
  deltaDelayMs?: number;
  /**
   * Stop once this many deltas (text pieces; a tool call's name, then its argument pieces) are
   * streamed, then keep the connection open and silent forever (`stall`) or destroy it
   * (`destroy`). A destroyed stream errors on the client, which drops the deltas it has not read
   * yet: give `deltaDelayMs` for them to land first, or stall and `cut()` the request once they
   * have. A request that does not stream gets the headers and half its body instead.
   * Default: the whole answer.
   */
  interrupt?: { afterDeltas: number; then: 'stall' | 'destroy' };
};

/** An HTTP error in OpenAI's shape, with the retry hints OpenAI sends on 429 and 5xx. */
export type FakeHttpError = { status: number; error: string; retryAfterSeconds?: number; retryAfterMs?: number; delayMs?: number };

/** Accept the request and never answer, until the client gives up. */
export type FakeHang = { hang: true };

/** One scripted answer. */
export type FakeAnswer = FakeReply | FakeHttpError | FakeHang;

/** How a request ended: answered in full, `aborted` by the client, or `cut` by the fake (a scripted destroy, or `close()`). */
export type FakeOutcome = 'answered' | 'aborted' | 'cut';

/** A request the fake received. */
export type FakeRequest = {
  /** 1 for the first request the fake received, 2 for the next, and so on. */
  position: number;
  path: FakeApiPath;
  /** The parsed JSON body. */
  body: Record<string, any>;
  /** Includes `authorization`, which the provider fills from its API key. */
  headers: IncomingHttpHeaders;
  /** `Date.now()` when the body had arrived. */
  receivedAt: number;
  /** `Date.now()` when the client closed the connection before the answer ended; unset while it has not. */
  abortedAt?: number;
  /** Resolves when the exchange ends; a hang or a stall ends only when the client aborts or the fake closes. */
  outcome: Promise<FakeOutcome>;
  /** Destroys the connection now, as a network failure would; after a stall, the test calls it once it has seen the deltas arrive. */
  cut(): void;
};

/** Chooses the answer from the request; `undefined` leaves it to the queued answers. */
export type FakeResponder = (request: FakeRequest) => FakeAnswer | undefined;

export type FakeOpenAiServer = {
  /** Base URL to configure as LLM_BASE_URL (ends in /v1). */
  baseUrl: string;
  /** Parsed bodies of the requests received (Chat Completions and Responses), in order. */
  readonly requests: Record<string, any>[];
  /** The requests received, in order, with their path, headers, arrival and outcome. */
  readonly received: FakeRequest[];
  /** Queues answers; each request the responder leaves unanswered takes the next one. */
  answer(...answers: FakeAnswer[]): void;
  /** Answers requests by their content before the queue is consulted; `undefined` removes the responder. */
  respond(responder: FakeResponder | undefined): void;
  /** Resolves with the request at `position` (1-based) once it has arrived. Default timeout 10 s. */
  waitForRequest(position: number, options?: { timeoutMs?: number }): Promise<FakeRequest>;
  close(): Promise<void>;
};

const API_PATHS = ['/v1/chat/completions', '/v1/responses'] as const;
export type FakeApiPath = (typeof API_PATHS)[number];

/** An answer in which the assistant calls one tool. */
export function toolCall(name: string, input: Record<string, unknown>): FakeReply {
  return { toolCalls: [{ name, arguments: input }] };
}

/** A text answer whose streamed pieces are given, so a test can compare the deltas it receives with `content`. */
export function textAnswer(text: string): { content: string[] } {
  return { content: splitIntoTokens(text) };
}

/** Word-sized pieces with their leading whitespace, long words and JSON cut every 8 characters; they join back to `text`. */
function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S{1,8}|\s+/g) ?? [];
}

/**
 * A local OpenAI-compatible endpoint (Chat Completions and Responses, streaming or not) with
 * scripted answers and failures, so tests run the real provider code (@ai-sdk/openai) over real
 * HTTP. It is the only fake in the test suite.
 */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const received = createGrowingList<FakeRequest>();
  const queue: FakeAnswer[] = [];
  const unfinished = new Set<FakeRequest>();
  let responder: FakeResponder | undefined;

  const server = createServer(async (request, response) => {
    const path = API_PATHS.find((candidate) => candidate === request.url);
    const body = await readJson(request);
    if (request.method !== 'POST' || path === undefined) {
      sendError(response, { status: 404, error: `the fake has no ${request.method} ${request.url}` });
      return;
    }
    if (body === undefined) {
      sendError(response, { status: 400, error: 'the request body is not a JSON object' });
      return;
    }
    const exchange = openExchange(response, { position: received.items.length + 1, path, body, headers: request.headers });
    unfinished.add(exchange.request);
    void exchange.request.outcome.then(() => unfinished.delete(exchange.request));
    received.push(exchange.request);
    const answer = responder?.(exchange.request) ?? queue.shift() ?? { status: 500, error: 'the fake OpenAI server has no scripted answer left' };
    await deliver(exchange, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get requests() {
      return received.items.map((request) => request.body);
    },
    received: received.items,
    answer: (...answers) => queue.push(...answers),
    respond(next) {
      responder = next;
    },
    waitForRequest: (position, { timeoutMs = 10_000 } = {}) =>
      received.waitFor((request) => request.position === position, {
        timeoutMs,
        describe: () => `request ${position} to the fake OpenAI server (${received.items.length} arrived)`,
      }),
    async close() {
      for (const request of unfinished) request.cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, any> | undefined> {
  let text = '';
  for await (const chunk of request) text += chunk;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

/** One request and the response the fake writes to it. */
type Exchange = {
  request: FakeRequest;
  response: ServerResponse;
  /** Aborted when the connection closes, for whatever reason: stops pauses and writes. */
  closed: AbortSignal;
};

function openExchange(response: ServerResponse, fields: Pick<FakeRequest, 'position' | 'path' | 'body' | 'headers'>): Exchange {
  const connection = new AbortController();
  let cutByFake = false;
  let settle!: (outcome: FakeOutcome) => void;
  const request: FakeRequest = {
    ...fields,
    receivedAt: Date.now(),
    outcome: new Promise((resolve) => (settle = resolve)),
    cut() {
      // Marked first, so the 'close' that follows is not taken for the client giving up.
      cutByFake = true;
      response.destroy();
    },
  };
  // 'close' follows a finished response as well as a dropped connection; only the latter, when
  // the fake did not drop it, is the client giving up.
  response.on('close', () => {
    connection.abort();
    if (response.writableFinished) return settle('answered');
    if (cutByFake) return settle('cut');
    request.abortedAt = Date.now();
    settle('aborted');
  });
  return { request, response, closed: connection.signal };
}

async function deliver(exchange: Exchange, answer: FakeAnswer): Promise<void> {
  if ('hang' in answer) return;
  if (answer.delayMs) await delay(answer.delayMs, undefined, { signal: exchange.closed }).catch(() => {});
  if ('holdUntil' in answer && answer.holdUntil) await Promise.race([answer.holdUntil, once(exchange.closed, 'abort')]);
  if (exchange.closed.aborted) return;
  if ('status' in answer) return sendError(exchange.response, answer);
  const script = toScript(answer, exchange.request);
  const { body, path } = exchange.request;
  if (body.stream !== true) {
    const json = path === '/v1/responses' ? responseObject(script) : chatCompletion(script);
    return sendJson(exchange, JSON.stringify(json), answer.interrupt);
  }
  const events = path === '/v1/responses' ? responseEvents(script) : chatChunks(script, body.stream_options?.include_usage === true);
  await sendEvents(exchange, events, answer);
}

function sendError(response: ServerResponse, { status, error, retryAfterSeconds, retryAfterMs }: FakeHttpError): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  if (retryAfterMs !== undefined) headers['retry-after-ms'] = String(retryAfterMs);
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  response.writeHead(status, headers).end(JSON.stringify({ error: { message: error, type, param: null, code: null } }));
}

function sendJson({ request, response }: Exchange, text: string, interrupt: FakeReply['interrupt']): void {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  if (interrupt === undefined) {
    response.end(text);
    return;
  }
  response.write(text.slice(0, Math.floor(text.length / 2)));
  if (interrupt.then === 'destroy') request.cut();
}

/** One server-sent event; deltas carry the model's output (text, a tool call's name or arguments) and count towards `interrupt`. */
type StreamEvent = { text: string; isDelta: boolean };

async function sendEvents(exchange: Exchange, events: StreamEvent[], { deltaDelayMs, interrupt }: FakeReply): Promise<void> {
  const { response, closed } = exchange;
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  let deltasSent = 0;
  for (const [index, event] of events.entries()) {
    // The pause comes first, so a connection dies one interval after the last delta, as a stalled
    // upstream would; the client needs that time to read the deltas before the error drops them.
    if (index > 0 && deltaDelayMs) await delay(deltaDelayMs, undefined, { signal: closed }).catch(() => {});
    if (closed.aborted) return;
    if (event.isDelta && deltasSent === interrupt?.afterDeltas) {
      if (interrupt.then === 'destroy') exchange.request.cut();
      return;
    }
    response.write(event.text);
    if (event.isDelta) deltasSent += 1;
  }
  response.end();
}

/** A reply made concrete for one request: pieces to stream, ids, usage and metadata. */
type Script = {
  id: string;
  model: string;
  created: number;
  text: string[];
  hasMessage: boolean;
  toolCalls: { id: string; name: string; pieces: string[] }[];
  finishReason: 'stop' | 'tool_calls';
  inputTokens: number;
  outputTokens: number;
};

function toScript(reply: FakeReply, { position, body }: FakeRequest): Script {
  const text = Array.isArray(reply.content) ? reply.content : splitIntoTokens(reply.content ?? '');
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${position}_${index}`,
    name: call.name,
    pieces: splitIntoTokens(typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)),
  }));
  return {
    id: String(position),
    model: String(body.model),
    created: Math.floor(Date.now() / 1000),
    text,
    // An answer with neither text nor tool calls is an empty message, as OpenAI sends one.
    hasMessage: text.length > 0 || toolCalls.length === 0,
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    inputTokens: reply.usage?.inputTokens ?? 100,
    outputTokens: reply.usage?.outputTokens ?? 50,
  };
}

function chatUsage({ inputTokens, outputTokens }: Script) {
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function chatCompletion(script: Script) {
  const message = {
    role: 'assistant',
    content: script.hasMessage ? script.text.join('') : null,
    refusal: null,
    ...(script.toolCalls.length > 0 && {
      tool_calls: script.toolCalls.map(({ id, name, pieces }) => ({ id, type: 'function', function: { name, arguments: pieces.join('') } })),
    }),
  };
  return {
    id: `chatcmpl-${script.id}`,
    object: 'chat.completion',
    created: script.created,
    model: script.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: script.finishReason }],
    usage: chatUsage(script),
  };
}

/** The chunks OpenAI streams: the role, text pieces, each tool call's name then its argument pieces, the finish reason, usage if asked, and [DONE]. */
function chatChunks(script: Script, includeUsage: boolean): StreamEvent[] {
  const envelope = { id: `chatcmpl-${script.id}`, object: 'chat.completion.chunk', created: script.created, model: script.model };
  const chunk = (choice: Record<string, unknown>, isDelta: boolean): StreamEvent => ({
    text: `data: ${JSON.stringify({ ...envelope, choices: [{ index: 0, finish_reason: null, ...choice }] })}\n\n`,
    isDelta,
  });
  const toolCallDeltas = script.toolCalls.flatMap(({ id, name, pieces }, index) => [
    chunk({ delta: { tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] } }, true),
    ...pieces.map((piece) => chunk({ delta: { tool_calls: [{ index, function: { arguments: piece } }] } }, true)),
  ]);
  const usage = { text: `data: ${JSON.stringify({ ...envelope, choices: [], usage: chatUsage(script) })}\n\n`, isDelta: false };
  return [
    chunk({ delta: { role: 'assistant', content: script.hasMessage ? '' : null } }, false),
    ...script.text.map((piece) => chunk({ delta: { content: piece } }, true)),
    ...toolCallDeltas,
    chunk({ delta: {}, finish_reason: script.finishReason }, false),
    ...(includeUsage ? [usage] : []),
    { text: 'data: [DONE]\n\n', isDelta: false },
  ];
}

function messageItem(script: Script) {
  const content = [{ type: 'output_text', text: script.text.join(''), annotations: [], logprobs: [] }];
  return { type: 'message', id: `msg_${script.id}`, status: 'completed', role: 'assistant', content };
}

function functionCallItem(script: Script, index: number) {
  const { id, name, pieces } = script.toolCalls[index]!;
  return { type: 'function_call', id: `fc_${script.id}_${index}`, call_id: id, name, arguments: pieces.join(''), status: 'completed' };
}

function responseObject(script: Script) {
  const calls = script.toolCalls.map((_, index) => functionCallItem(script, index));
  return {
    id: `resp_${script.id}`,
    object: 'response',
    created_at: script.created,
    status: 'completed',
    model: script.model,
    output: script.hasMessage ? [messageItem(script), ...calls] : calls,
    incomplete_details: null,
    error: null,
    usage: {
      input_tokens: script.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: script.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: script.inputTokens + script.outputTokens,
    },
  };
}

/**
 * The events OpenAI streams for a response, numbered in order. The provider ignores the
 * content_part and *.done text events, but OpenAI sends them, so the fake does too.
 */
function responseEvents(script: Script): StreamEvent[] {
  const events: { type: string; isDelta?: boolean; [field: string]: unknown }[] = [];
  const completed = responseObject(script);
  const started = { ...completed, status: 'in_progress', output: [], usage: null };
  events.push({ type: 'response.created', response: started }, { type: 'response.in_progress', response: started });
  if (script.hasMessage) {
    const item = messageItem(script);
    const part = { item_id: item.id, output_index: 0, content_index: 0 };
    const text = script.text.join('');
    events.push(
      { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
      { type: 'response.content_part.added', ...part, part: { type: 'output_text', text: '', annotations: [] } },
      ...script.text.map((delta) => ({ type: 'response.output_text.delta', ...part, delta, logprobs: [], isDelta: true })),
      { type: 'response.output_text.done', ...part, text, logprobs: [] },
      { type: 'response.content_part.done', ...part, part: item.content[0] },
      { type: 'response.output_item.done', output_index: 0, item },
    );
  }
  script.toolCalls.forEach((call, index) => {
    const item = functionCallItem(script, index);
    const place = { item_id: item.id, output_index: index + (script.hasMessage ? 1 : 0) };
    events.push(
      { type: 'response.output_item.added', output_index: place.output_index, item: { ...item, status: 'in_progress', arguments: '' }, isDelta: true },
      ...call.pieces.map((delta) => ({ type: 'response.function_call_arguments.delta', ...place, delta, isDelta: true })),
      { type: 'response.function_call_arguments.done', ...place, arguments: item.arguments },
      { type: 'response.output_item.done', output_index: place.output_index, item },
    );
  });
  events.push({ type: 'response.completed', response: completed });
  return events.map(({ isDelta = false, ...event }, sequence) => ({
    text: `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence })}\n\n`,
    isDelta,
  }));
}
