import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentResponseSchema, type AttachmentView, type ChatMessage } from '../protocol/index.ts';
import { fixtures } from '../server/store/testing/contract-fixtures.ts';
import { scriptAssistant } from './harness/assistant-script.ts';
import { startFakeOpenAiServer, toolCall, type FakeOpenAiServer } from './harness/fake-openai-server.ts';
import { testLlmConfig } from './harness/llm-config.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';
import { connectUi, type UiClient } from './harness/ui-client.ts';

// The assistant and the planner know what a plan may use besides the page: the files attached to
// the conversation (by name and id) and the saved browser sessions (by name, never their state).
// Only the model is fake.

const SEALED = [0xde, 0xad, 0xbe, 0xef];

describe('planning with attached files and saved sessions', () => {
  let fake: FakeOpenAiServer;
  let script: ReturnType<typeof scriptAssistant>;
  let server: TestServer;
  let watcher: UiClient;
  let conversationId: string;
  let invoice: AttachmentView;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    script = scriptAssistant(fake);
    server = await startTestServer({ llm: testLlmConfig(fake.baseUrl) });
    conversationId = (await server.api('/api/conversations', { body: {} })).body.conversation.id;
    const uploaded = await fetch(`${server.baseUrl}/api/conversations/${conversationId}/attachments?name=invoice.pdf`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/pdf' },
      body: new Uint8Array([0x25, 0x50, 0x44, 0x46]),
    });
    invoice = AttachmentResponseSchema.parse(await uploaded.json()).attachment;
    // A session saved by an earlier run (no runner is connected: the run is claimed here).
    const owner = (await server.store.users.ensure('local')).id;
    const { runId } = await fixtures(server.store).queueRun(owner, { browser: { session: { saveAs: 'staging' } } });
    const { events } = await fixtures(server.store).claim(runId);
    await server.store.queue.sessionSaved({ ...events.next(), ttlDays: 30, seal: () => ({ state: new Uint8Array(SEALED), sites: ['staging.example.com'] }) });
    watcher = await connectUi(server.baseUrl);
    await watcher.subscribe(conversationId);
  });
  afterAll(async () => {
    watcher?.close();
    await server?.stop();
    await server?.database.drop();
    await fake?.close();
  });

  async function reply(text: string): Promise<ChatMessage> {
    const response = await server.api(`/api/conversations/${conversationId}/messages`, { body: { text } });
    expect(response.status).toBe(201);
    const id = response.body.messages[1].id as string;
    return watcher.waitForMessage((message) => message.id === id && message.metadata.status !== 'streaming');
  }

  it('tells the assistant and the planner the files and sessions, and keeps the plan’s browser options', async () => {
    script.chat(toolCall('propose_plan', { task: 'Upload invoice.pdf at http://127.0.0.1:9/upload, signed in with the staging session' }));
    const steps = [
      { type: 'goto', url: 'http://127.0.0.1:9/upload' },
      { type: 'upload', target: 'Invoice', files: [invoice.id] },
    ];
    script.plannerAnswer({ content: JSON.stringify({ reply: 'Uploads the invoice.', steps, browser: { session: { use: 'staging' } } }) });
    const message = await reply('upload the invoice I attached, using my staging session');

    const plan = message.parts.find((part) => part.type === 'data-plan')?.data;
    expect(plan).toMatchObject({ status: 'proposed', steps, browser: { session: { use: 'staging' } } });
    const chatSystem = script.chatRequests().at(-1)!.body.messages[0].content as string;
    const plannerSystem = script.plannerRequests().at(-1)!.body.messages[0].content as string;
    for (const system of [chatSystem, plannerSystem]) {
      expect(system).toContain(`"invoice.pdf" (application/pdf, 4 B): id ${invoice.id}`);
      expect(system).toContain('"staging": signed in to staging.example.com');
      expect(system).not.toContain(Buffer.from(SEALED).toString('hex'));
    }
  });

  it('refuses a plan that uploads a file the conversation does not have, telling the assistant why', async () => {
    const unknown = randomUUID();
    script.chat(toolCall('propose_plan', { task: 'Upload the report' }));
    script.plannerAnswer({
      content: JSON.stringify({ reply: 'Uploads it.', steps: [{ type: 'goto', url: 'http://127.0.0.1:9/' }, { type: 'upload', target: 'File', files: [unknown] }] }),
    });
    const message = await reply('upload my report');
    expect(message.parts.some((part) => part.type === 'data-plan')).toBe(false);
    const tool = message.parts.find((part) => part.type === 'tool-propose_plan');
    expect(tool).toMatchObject({ state: 'output-error', errorText: expect.stringContaining(unknown) });
    // The planning call is still counted.
    expect(message.metadata.usage?.model).toContain('fake-planner');
  });

  it('plans a prompt sent to POST /api/runs with the same knowledge, saving a session', async () => {
    script.plannerAnswer({
      content: JSON.stringify({ reply: 'Signs in and keeps the session.', steps: [{ type: 'goto', url: 'http://127.0.0.1:9/login' }], browser: { session: { saveAs: 'bank' } } }),
    });
    const created = await server.api('/api/runs', { body: { prompt: 'log in to my bank and keep the session as bank', conversationId } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { body } = await server.api(`/api/runs/${created.body.run.id}`);
    expect(body.plan).toMatchObject({ source: 'model', browser: { session: { saveAs: 'bank' } } });
    expect(script.plannerRequests().at(-1)!.body.messages[0].content).toContain(invoice.id);
    await server.api(`/api/runs/${created.body.run.id}/cancel`, { method: 'POST' });
  });
});
