import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema, encodeBinaryFrame, PROTOCOL_VERSION } from '../protocol/index.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi } from './harness/ui-client.ts';

// Bad input at every boundary gets a clear error with a code, and the server keeps serving.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  // Whatever was thrown at it, the server still answers.
  expect((await server.api('/health')).body).toMatchObject({ status: 'ok' });
  await server.stop();
  await server.database.drop();
});

function expectApiError(response: { status: number; body: unknown }, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = ApiErrorBodySchema.parse(response.body);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error;
}

describe('the REST API', () => {
  it('names the field and the problem for an unknown step type', async () => {
    const error = expectApiError(
      await server.api('/api/runs', { body: { steps: [{ type: 'teleport', to: 'mars' }] } }),
      400,
      'invalid-request',
    );
    expect(error.issues?.[0]?.path).toBe('steps.0.type');
    expect(error.message).toContain('steps.0.type');
  });

  it('rejects a step with a bad field value', async () => {
    const error = expectApiError(
      await server.api('/api/runs', { body: { steps: [{ type: 'goto', url: 'javascript:alert(1)' }] } }),
      400,
      'invalid-request',
    );
    expect(error.issues?.[0]?.path).toBe('steps.0.url');
  });

  it('rejects malformed JSON, bodies that are not JSON, and oversized bodies', async () => {
    expectApiError(await server.api('/api/runs', { body: '{"steps": [', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid-request');
    const plain = await fetch(`${server.baseUrl}/api/runs`, { method: 'POST', body: 'go to example.com', headers: { 'Content-Type': 'text/plain' } });
    expectApiError({ status: plain.status, body: await plain.json() }, 400, 'invalid-request');
    expectApiError(await server.api('/api/runs', { body: { prompt: 'x'.repeat(300_000) } }), 413, 'payload-too-large');
  });

  it('tells an invalid id from an unknown one', async () => {
    expectApiError(await server.api('/api/runs/not-a-uuid'), 400, 'invalid-id');
    expectApiError(await server.api(`/api/runs/${randomUUID()}`), 404, 'not-found');
    expectApiError(await server.api(`/api/runs/${randomUUID()}/cancel`, { method: 'POST' }), 404, 'not-found');
    expectApiError(await server.api('/api/artifacts/%27%3B--'), 400, 'invalid-id');
    expectApiError(await server.api(`/api/conversations/${randomUUID()}/messages`, { body: { text: 'hi' } }), 404, 'not-found');
    expectApiError(await server.api('/api/runs', { body: { prompt: 'go to example.com', conversationId: randomUUID() } }), 404, 'not-found');
    expectApiError(await server.api('/api/nothing-here'), 404, 'not-found');
  });

  it('answers a prompt it cannot understand with help, and stores nothing', async () => {
    const before = (await server.api('/api/conversations')).body.conversations.length;
    const error = expectApiError(
      await server.api('/api/runs', { body: { prompt: 'find me the cheapest flight to Lisbon' } }),
      422,
      'unrecognized-command',
    );
    expect(error.message).toContain('OPENAI_API_KEY');
    expect((await server.api('/api/conversations')).body.conversations.length).toBe(before);
  });

  it('rejects an empty chat message and keeps the conversation unchanged', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    const conversationId = body.conversation.id;
    expectApiError(await server.api(`/api/conversations/${conversationId}/messages`, { body: { text: '   ' } }), 400, 'invalid-request');
    expect((await server.api(`/api/conversations/${conversationId}`)).body.messages).toEqual([]);
  });
});

describe('host names', () => {
  function getWithHost(path: string, host: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.baseUrl}${path}`, { headers: { ...headers, Host: host } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('refuses requests for a host name that is not this server (DNS rebinding)', async () => {
    const refused = await getWithHost('/api/conversations', 'evil.example:3000');
    expectApiError({ status: refused.status, body: JSON.parse(refused.body) }, 403, 'forbidden-origin');
    const upgrade = await getWithHost('/ws', 'evil.example', { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' });
    expect(upgrade.status).toBe(403);
    expect((await getWithHost('/health', 'localhost:3000')).status).toBe(200);
  });
});

describe('the chat socket', () => {
  it('answers malformed frames with an error and stays open', async () => {
    const client = await connectUi(server.baseUrl);
    client.sendRaw('{not json');
    client.sendRaw(Buffer.from([1, 2, 3]));
    client.send({ type: 'subscribe', conversationId: 'not-a-uuid' });
    client.send({ type: 'launch-missiles' });
    await client.waitFor(() => client.received.filter((message) => message.type === 'error').length >= 4);
    const errors = client.received.filter((message) => message.type === 'error');
    expect(errors.map((error) => error.type === 'error' && error.code)).toEqual(['invalid-frame', 'invalid-frame', 'invalid-frame', 'invalid-frame']);
    // Still usable.
    const { body } = await server.api('/api/conversations', { body: {} });
    const snapshot = await client.subscribe(body.conversation.id);
    expect(snapshot.messages).toEqual([]);
    client.close();
  });

  it('limits how many conversations one socket watches; subscribing again is not another one', async () => {
    const client = await connectUi(server.baseUrl);
    const ids: string[] = [];
    for (let index = 0; index < 21; index++) ids.push((await server.api('/api/conversations', { body: {} })).body.conversation.id);
    for (const id of ids.slice(0, 20)) await client.subscribe(id);
    client.send({ type: 'subscribe', conversationId: ids[0] });
    const snapshotsOfFirst = () =>
      client.received.filter((message) => message.type === 'conversation-snapshot' && message.conversationId === ids[0]).length;
    await client.waitFor((message) => (message.type === 'error' && message.conversationId === ids[0]) || snapshotsOfFirst() === 2);
    expect(snapshotsOfFirst()).toBe(2);
    client.send({ type: 'subscribe', conversationId: ids[20] });
    const refused = await client.waitFor((message) => message.type === 'error' && message.conversationId === ids[20]);
    expect(refused).toMatchObject({ code: 'invalid-request' });
    client.close();
  });

  it('refuses to subscribe before hello, and to conversations that do not exist', async () => {
    const client = await connectUi(server.baseUrl, { hello: false });
    client.send({ type: 'subscribe', conversationId: randomUUID() });
    await client.waitFor((message) => message.type === 'error' && message.message.includes('hello'));
    client.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    const conversationId = randomUUID();
    client.send({ type: 'subscribe', conversationId });
    const error = await client.waitFor((message) => message.type === 'error' && message.conversationId === conversationId);
    expect(error).toMatchObject({ code: 'not-found' });
    client.close();
  });

  it('closes a connection that sends an oversized frame, and serves the next one', async () => {
    const client = await connectUi(server.baseUrl);
    client.sendRaw('x'.repeat(100 * 1024));
    expect((await client.closed).code).toBe(1009);
    const next = await connectUi(server.baseUrl);
    expect(next.received[0]?.type).toBe('welcome');
    next.close();
  });

  it('closes a connection that speaks another protocol version', async () => {
    const client = await connectUi(server.baseUrl, { hello: false });
    client.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION + 1 });
    const closed = await client.closed;
    expect(closed.code).toBe(4000);
    expect(client.received[0]).toMatchObject({ type: 'error', code: 'unsupported-protocol-version' });
  });

  it('refuses an upgrade from another site', async () => {
    await expect(connectUi(server.baseUrl, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });
});

describe('the runner socket', () => {
  function connectRunner(token: string | undefined) {
    const socket = new WebSocket(server.runnerUrl, { ...(token && { headers: { Authorization: `Bearer ${token}` } }) });
    const received: { type: string; code?: string }[] = [];
    socket.on('error', () => {}); // refused upgrades surface as errors; the tests read the response instead
    socket.on('message', (data) => received.push(JSON.parse(data.toString())));
    const next = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => received.length >= count && (socket.off('message', check), resolve());
        socket.on('message', check);
        check();
      });
    return { socket, received, next };
  }

  it('refuses runners without the right token', async () => {
    for (const token of [undefined, 'wrong-token-wrong-token']) {
      const { socket } = connectRunner(token);
      const status = await new Promise<number>((resolve) => socket.on('unexpected-response', (_request, response) => resolve(response.statusCode!)));
      expect(status).toBe(401);
      socket.terminate();
    }
  });

  it('answers bad frames with errors, ignores events for runs it does not hold, and stays up', async () => {
    const runner = connectRunner(server.token);
    await new Promise((resolve) => runner.socket.once('open', resolve));
    runner.socket.send(JSON.stringify({ type: 'step-start', runId: randomUUID(), attempt: 1, seq: 1, index: 0 }));
    const hello = { type: 'hello', protocolVersion: PROTOCOL_VERSION, runner: { id: randomUUID(), name: 'probe', capacity: 1, browser: 'none' }, runs: [] };
    runner.socket.send(JSON.stringify(hello));
    runner.socket.send('{]');
    runner.socket.send(Buffer.from([0, 0, 0, 1, 0x7b]));
    runner.socket.send(encodeBinaryFrame({ type: 'step-screenshot', runId: randomUUID(), attempt: 1, seq: 1, index: 0, mimeType: 'image/jpeg' }, new Uint8Array([0x89, 0x50])));
    // An event for a run this runner never held changes nothing; it is acknowledged so the runner forgets it.
    const stranger = randomUUID();
    runner.socket.send(JSON.stringify({ type: 'run-end', runId: stranger, attempt: 1, seq: 1, status: 'succeeded' }));
    await runner.next(6);
    expect(runner.received[0]).toMatchObject({ type: 'error', code: 'invalid-frame' });
    // The welcome waits for the database; the refusals of bad frames do not.
    const rest = runner.received.slice(1).map((message) => `${message.type} ${message.code ?? ''}`.trim());
    expect(rest.sort()).toEqual(['ack', 'error invalid-frame', 'error invalid-frame', 'error invalid-frame', 'welcome']);
    expect(runner.received.find((message) => message.type === 'ack')).toEqual({ type: 'ack', runId: stranger, attempt: 1, seq: 1 });
    expect(runner.socket.readyState).toBe(WebSocket.OPEN);
    runner.socket.close();
  });
});
