import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi } from './harness/ui-client.ts';

// Nothing a client does can hold the server's resources for long: stalled requests are cut
// off, silent sockets are closed, and what closed sockets held is given back.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ httpHeadersTimeoutMs: 1_000, httpRequestTimeoutMs: 1_500, helloTimeoutMs: 500 });
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

/** Sends raw bytes on a new TCP connection and resolves with everything received once the server closes it. */
function rawRequest(bytes: string): Promise<string> {
  const { port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('HTTP requests', () => {
  it('cuts off a request whose body never arrives', async () => {
    const answer = await rawRequest('POST /anything HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\npartial');
    // The server closed the connection: whatever it answered, it does not wait for the promised 100 MB.
    expect(answer === '' || answer.startsWith('HTTP/1.1 4')).toBe(true);
  });

  it('cuts off a request whose headers never end', async () => {
    const answer = await rawRequest('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: yes\r\n');
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('refuses at once an API body announced larger than the limit, without reading it', async () => {
    const answer = await rawRequest(
      'POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n{',
    );
    expect(answer).toMatch(/^HTTP\/1.1 413/);
    expect(answer).toContain('"code":"payload-too-large"');
  });
});

describe('WebSockets', () => {
  it('closes a browser socket that never says hello', async () => {
    const socket = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/ws`);
    const closed = await new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    expect(closed).toBe(4001);
  });

  it('closes a runner socket that never says hello', async () => {
    const socket = new WebSocket(server.runnerUrl, { headers: { Authorization: `Bearer ${server.token}` } });
    const closed = await new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    expect(closed).toBe(4001);
  });

  it('gives back everything 2,000 subscribed sockets held once they close', async () => {
    const { body } = await server.api('/api/conversations', { body: {} });
    const conversationId = body.conversation.id as string;
    const before = server.server.connections();
    const sockets: WebSocket[] = [];
    // In batches, so the client side stays within what one test process can open quickly.
    for (let batch = 0; batch < 20; batch += 1) {
      const opened = await Promise.all(Array.from({ length: 100 }, () => connectUi(server.baseUrl)));
      await Promise.all(opened.map((client) => client.subscribe(conversationId)));
      sockets.push(...opened.map((client) => client.socket));
    }
    expect(server.server.connections()).toMatchObject({ uiSockets: before.uiSockets + 2_000, subscriptions: before.subscriptions + 2_000 });

    await Promise.all(sockets.map((socket) => new Promise((resolve) => {
      socket.once('close', resolve);
      socket.close();
    })));
    // The server notices each close on its own side; wait for the last one by asking until it has.
    await expect.poll(() => server.server.connections(), { timeout: 20_000 }).toEqual(before);
    const probe = await connectUi(server.baseUrl);
    expect((await probe.subscribe(conversationId)).type).toBe('conversation-snapshot');
    probe.close();
  }, 120_000);
});
