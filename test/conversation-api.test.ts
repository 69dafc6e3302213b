import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, RunView } from '../protocol/index.ts';
import { startHeldSite, type HeldSite } from './harness/held-site.ts';
import { startRunnerProcess, type RunnerProcess } from './harness/runner-process.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, runOf } from './harness/ui-client.ts';

// Conversations through the REST API: every message gets exactly one reply, limits are
// clear errors, and conversations page and delete cleanly.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxQueuedPerUser: 3 });
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

async function newConversation(): Promise<string> {
  return (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
}

async function thread(conversationId: string): Promise<ChatMessage[]> {
  return (await server.api(`/api/conversations/${conversationId}`)).body.messages as ChatMessage[];
}

const ownerId = async () => (await server.store.users.ensure('local')).id;

describe('replies', () => {
  it('writes the missing reply when a message stored without one is sent again', async () => {
    const conversationId = await newConversation();
    // The first attempt stored the message, then the server died before replying.
    const stored = await server.store.messages.appendUser(await ownerId(), conversationId, { text: 'take a screenshot', clientMessageId: 'retry-1' });
    expect(await thread(conversationId)).toHaveLength(1);

    const retried = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text: 'take a screenshot', clientMessageId: 'retry-1' } });
    expect(retried.status).toBe(201);
    const [user, reply] = retried.body.messages as ChatMessage[];
    expect(user?.id).toBe(stored!.message.id);
    expect(reply?.role).toBe('assistant');
    expect((await thread(conversationId)).map((message) => message.id)).toEqual([user!.id, reply!.id]);

    const again = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text: 'take a screenshot', clientMessageId: 'retry-1' } });
    expect((again.body.messages as ChatMessage[]).map((message) => message.id)).toEqual([user!.id, reply!.id]);
    // Tidy up: the run has no runner here.
    await server.api(`/api/runs/${runOf(reply!)!.id}/cancel`, { method: 'POST' });
  });

  it('gives one reply and one run to a message posted many times at once', async () => {
    const conversationId = await newConversation();
    const body = { text: 'go to http://127.0.0.1:9/, take a screenshot', clientMessageId: 'burst' };
    const responses = await Promise.all(Array.from({ length: 8 }, () => server.api(`/api/conversations/${conversationId}/messages`, { body })));
    const ids = responses.map((response) => (response.body.messages as ChatMessage[]).map((message) => message.id).join());
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));
    expect(new Set(ids).size).toBe(1);
    const messages = await thread(conversationId);
    expect(messages).toHaveLength(2);
    expect(messages.flatMap((message) => (runOf(message) ? [runOf(message)] : []))).toHaveLength(1);
    // Tidy up: the run has no runner here.
    await server.api(`/api/runs/${runOf(messages[1]!)!.id}/cancel`, { method: 'POST' });
  });
});

describe('limits', () => {
  it('refuses a run past the queued-run cap with 429 in the API, and keeps the plan with an explanation in the chat', async () => {
    const conversationId = await newConversation();
    const queued: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const created = await server.api('/api/runs', { body: { steps: [{ type: 'screenshot' }], conversationId } });
      expect(created.status).toBe(201);
      queued.push(created.body.run.id);
    }
    const refused = await server.api('/api/runs', { body: { steps: [{ type: 'screenshot' }], conversationId } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'too-many-runs' });
    expect(refused.body.error.message).toContain('3 runs waiting');

    const chat = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text: 'take a screenshot' } });
    expect(chat.status).toBe(201);
    const reply = (chat.body.messages as ChatMessage[])[1]!;
    expect(reply.parts.find((part) => part.type === 'text')).toMatchObject({ text: expect.stringContaining('3 runs waiting') });
    expect(reply.parts.some((part) => part.type === 'data-plan')).toBe(true);
    expect(runOf(reply)).toBeUndefined();

    for (const runId of queued) await server.api(`/api/runs/${runId}/cancel`, { method: 'POST' });
    const planId = reply.parts.find((part) => part.type === 'data-plan')!.id;
    const rerun = await server.api(`/api/plans/${planId}/run`, { method: 'POST' });
    expect(rerun.status).toBe(201);
    expect(rerun.body).toMatchObject({ conversationId, run: { planId, status: 'queued' } });
    await server.api(`/api/runs/${rerun.body.run.id}/cancel`, { method: 'POST' });
  });
});

describe('paging', () => {
  it('lists conversations a page at a time', async () => {
    const all = (await server.api('/api/conversations?limit=100')).body.conversations.length as number;
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 50; page += 1) {
      const { status, body } = await server.api(`/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(body.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...body.conversations.map((conversation: { id: string }) => conversation.id));
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    expect(seen).toHaveLength(all);
    expect(new Set(seen).size).toBe(all);
    expect((await server.api('/api/conversations?limit=0')).status).toBe(400);
    expect((await server.api('/api/conversations?cursor=bogus')).body.error.code).toBe('invalid-request');
  });

  it('serves the newest messages first and older ones a page at a time, and bounds the live snapshot', async () => {
    const conversationId = await newConversation();
    const owner = await ownerId();
    for (let index = 0; index < 120; index += 1) await server.store.messages.appendUser(owner, conversationId, { text: `note ${index}` });
    const texts = (messages: ChatMessage[]) => messages.map((message) => (message.parts[0]?.type === 'text' ? message.parts[0].text : ''));

    const detail = (await server.api(`/api/conversations/${conversationId}`)).body;
    expect(detail.hasOlder).toBe(true);
    expect(texts(detail.messages)).toEqual(Array.from({ length: 50 }, (_, index) => `note ${index + 70}`));
    const older = (await server.api(`/api/conversations/${conversationId}/messages?before=${detail.messages[0].id}&limit=100`)).body;
    expect(texts(older.messages)).toEqual(Array.from({ length: 70 }, (_, index) => `note ${index}`));
    expect(older.hasOlder).toBe(false);

    const watcher = await connectUi(server.baseUrl);
    try {
      const snapshot = await watcher.subscribe(conversationId);
      expect(snapshot.messages).toHaveLength(50);
      expect(snapshot.hasOlder).toBe(true);
    } finally {
      watcher.close();
    }
  });
});

describe('deleting a conversation', () => {
  let runner: RunnerProcess;
  let site: HeldSite;
  afterAll(async () => {
    await site?.close();
    await runner?.stop();
  });

  it('removes it with its runs and screenshots, stops its running run, and tells every watcher', async () => {
    site = await startHeldSite();
    runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: 'deleting' });
    const conversationId = await newConversation();
    const watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
    const created = await server.api('/api/runs', { body: { steps: [{ type: 'goto', url: `${site.url}/held/page` }], conversationId } });
    const runId = created.body.run.id as string;
    const running: RunView = await watcher.waitForRun(runId, (run) => run.steps[0]?.status === 'running');
    expect(running.status).toBe('running');

    const deleted = await server.api(`/api/conversations/${conversationId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    await watcher.waitFor((message) => message.type === 'conversation-deleted' && message.conversationId === conversationId);
    await runner.waitForLog((line) => line.msg === 'run abandoned' && line.runId === runId);
    expect((await server.api(`/api/conversations/${conversationId}`)).status).toBe(404);
    expect((await server.api(`/api/runs/${runId}`)).status).toBe(404);
    expect((await server.api(`/api/conversations/${conversationId}`, { method: 'DELETE' })).status).toBe(404);
    watcher.close();
  });
});
