import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentListResponseSchema, AttachmentResponseSchema, MAX_ATTACHMENT_BYTES, type AttachmentView, type Step } from '../protocol/index.ts';
import { textParts } from '../server/store/store.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Files attached to a conversation for upload steps: uploaded raw, listed, served back as
// downloads, referenced only by plans of their own conversation, and handed to a runner only
// for a run it holds whose plan uploads them.

let server: TestServer;
let runner: RunnerSocket;

beforeAll(async () => {
  server = await startTestServer();
  runner = await connectRunnerSocket(server, randomUUID());
});
afterAll(async () => {
  await runner?.close();
  await server?.stop();
  await server?.database.drop();
});

async function newConversation(): Promise<string> {
  return (await server.api('/api/conversations', { body: {} })).body.conversation.id as string;
}

/** Uploads `bytes` as the raw body, the way the chat UI does. */
async function upload(conversationId: string, query: string, bytes: Uint8Array, contentType?: string) {
  const response = await fetch(`${server.baseUrl}/api/conversations/${conversationId}/attachments?${query}`, {
    method: 'POST',
    headers: contentType ? { 'Content-Type': contentType } : {},
    body: Buffer.from(bytes),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function attach(conversationId: string, name: string, bytes: Uint8Array, contentType = 'application/pdf'): Promise<AttachmentView> {
  const { status, body } = await upload(conversationId, `name=${encodeURIComponent(name)}`, bytes, contentType);
  expect(status, JSON.stringify(body)).toBe(201);
  return AttachmentResponseSchema.parse(body).attachment;
}

/** Sends a body of `size` bytes in chunks, without a Content-Length; resolves with the answer. */
function uploadChunked(conversationId: string, size: number): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, method: 'POST', path: `/api/conversations/${conversationId}/attachments?name=big.bin`, headers: { 'Transfer-Encoding': 'chunked' } });
    outgoing.on('response', async (response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString() });
    });
    // The server may answer and stop reading before the whole body is sent.
    outgoing.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 1);
    void (async () => {
      for (let sent = 0; sent < size && !outgoing.destroyed; sent += chunk.length) {
        if (!outgoing.write(chunk.subarray(0, Math.min(chunk.length, size - sent)))) await once(outgoing, 'drain');
      }
      outgoing.end();
    })().catch(() => {});
  });
}

/** Queues a run of `steps` in a conversation and takes it as the runner. */
async function assigned(conversationId: string, steps: object[]) {
  const created = await server.api('/api/runs', { body: { steps, conversationId } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return runner.next('run-assign', (message) => message.runId === created.body.run.id);
}

/** What the runner endpoint answers, asked as `runnerId` with `authorization`. */
async function fetchAsRunner(attachmentId: string, query: Record<string, string | number>, headers: Record<string, string>) {
  const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  return fetch(`${server.baseUrl}/api/runner/attachments/${attachmentId}?${search}`, { headers });
}

const uploadStep = (files: string[]): Step => ({ type: 'upload', target: 'Invoice', files });

describe('attachments', () => {
  it('attaches a file larger than a JSON body, lists it, and serves it back as a download', async () => {
    const conversationId = await newConversation();
    const pdf = randomBytes(300 * 1024);
    const attachment = await attach(conversationId, 'report.pdf', pdf);
    expect(attachment).toMatchObject({ name: 'report.pdf', mimeType: 'application/pdf', bytes: pdf.length });
    const page = await attach(conversationId, 'résumé 📄.html', new TextEncoder().encode('<script>alert(1)</script>'), 'text/html; charset=utf-8');

    const listed = await server.api(`/api/conversations/${conversationId}/attachments`);
    expect(AttachmentListResponseSchema.parse(listed.body).attachments).toEqual([attachment, page]);

    const served = await fetch(`${server.baseUrl}/api/attachments/${attachment.id}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''report.pdf");
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);
    const html = await fetch(`${server.baseUrl}/api/attachments/${page.id}`);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20%F0%9F%93%84.html");
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('cuts names to a safe base name and refuses unusable ones', async () => {
    const conversationId = await newConversation();
    const bytes = new Uint8Array([1, 2, 3]);
    expect((await attach(conversationId, '../../etc/passwd', bytes)).name).toBe('passwd');
    expect(await attach(conversationId, 'empty.txt', new Uint8Array(), 'text/plain')).toMatchObject({ bytes: 0, mimeType: 'text/plain' });
    expect((await attach(conversationId, 'no-type.bin', bytes, 'not a type')).mimeType).toBe('application/octet-stream');
    for (const query of ['name=..', 'name=%2F%2F', '', 'name=', 'name=%20', 'name=a&name=b', 'name=a&other=1', 'name=a%00b', `name=${'x'.repeat(256)}`]) {
      const { status, body } = await upload(conversationId, query, bytes);
      expect([status, body.error?.code], query).toEqual([400, 'invalid-request']);
    }
    expect((await upload(randomUUID(), 'name=a.pdf', bytes)).status).toBe(404);
    expect((await upload('not-an-id', 'name=a.pdf', bytes)).body.error.code).toBe('invalid-id');
    expect((await server.api(`/api/conversations/${randomUUID()}/attachments`)).status).toBe(404);
  });

  it('refuses a file larger than MAX_ATTACHMENT_BYTES with 413, announced or not', async () => {
    const conversationId = await newConversation();
    const announced = await upload(conversationId, 'name=big.bin', new Uint8Array(MAX_ATTACHMENT_BYTES + 1));
    expect([announced.status, announced.body.error.code]).toEqual([413, 'payload-too-large']);
    const chunked = await uploadChunked(conversationId, MAX_ATTACHMENT_BYTES + 64 * 1024);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).error.code).toBe('payload-too-large');
    // Exactly the limit is fine.
    expect((await upload(conversationId, 'name=limit.bin', new Uint8Array(MAX_ATTACHMENT_BYTES))).status).toBe(201);
  });

  it('deletes an attachment, and every attachment of a deleted conversation', async () => {
    const conversationId = await newConversation();
    const first = await attach(conversationId, 'a.pdf', new Uint8Array([1]));
    const second = await attach(conversationId, 'b.pdf', new Uint8Array([2]));
    expect((await server.api(`/api/attachments/${first.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await server.api(`/api/attachments/${first.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await server.api(`/api/attachments/${first.id}`)).status).toBe(404);
    expect((await server.api(`/api/attachments/not-an-id`)).body.error.code).toBe('invalid-id');
    expect((await server.api(`/api/conversations/${conversationId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await server.api(`/api/attachments/${second.id}`)).status).toBe(404);
  });

  it('lets plans upload only files attached to their own conversation, naming an unknown one', async () => {
    const conversationId = await newConversation();
    const elsewhere = await newConversation();
    const file = await attach(conversationId, 'invoice.pdf', new Uint8Array([1]));
    const unknown = randomUUID();
    const steps = (files: string[]): Step[] => [{ type: 'goto', url: 'http://127.0.0.1:9/' }, uploadStep(files)];

    const refusals: [string, object, string][] = [
      ['a new conversation has no files', { steps: steps([file.id]) }, file.id],
      ['another conversation’s file', { steps: steps([file.id]), conversationId: elsewhere }, file.id],
      ['an id that is no file', { steps: steps([file.id, unknown]), conversationId }, unknown],
    ];
    for (const [why, body, named] of refusals) {
      const refused = await server.api('/api/runs', { body });
      expect([refused.status, refused.body.error.code], why).toEqual([400, 'invalid-request']);
      expect(refused.body.error.message, why).toContain(named);
    }
    const accepted = await assigned(conversationId, steps([file.id]));
    runner.send({ type: 'run-end', runId: accepted.runId, attempt: accepted.attempt, seq: 1, status: 'cancelled' });
    await runner.next('ack', (ack) => ack.runId === accepted.runId);

    // Editing a proposed plan is checked the same way.
    const owner = (await server.store.users.ensure('local')).id;
    const reply = await server.store.messages.appendAssistant(owner, conversationId, { parts: textParts('A plan.') });
    const messageId = reply?.status === 'appended' ? reply.message.id : '';
    const proposed = await server.store.plans.attach(owner, messageId, { source: 'model', steps: steps([file.id]), status: 'proposed' });
    const planId = proposed!.plan.id;
    const refusedEdit = await server.api(`/api/plans/${planId}`, { method: 'PATCH', body: { steps: steps([unknown]) } });
    expect(refusedEdit.status).toBe(400);
    expect(refusedEdit.body.error.message).toContain(unknown);
    expect(refusedEdit.body.error.issues).toEqual([{ path: 'steps.1.files.0', message: `${unknown} is not attached to this conversation` }]);
    const edited = await server.api(`/api/plans/${planId}`, { method: 'PATCH', body: { steps: steps([file.id]), browser: { locale: 'de-DE' } } });
    expect(edited.status).toBe(200);
    expect(edited.body.plan).toMatchObject({ version: 2, browser: { locale: 'de-DE' }, steps: steps([file.id]) });
    const kept = await server.api(`/api/plans/${edited.body.plan.id}`, { method: 'PATCH', body: { steps: steps([file.id]).slice(0, 1) } });
    expect(kept.body.plan).toMatchObject({ version: 3, browser: { locale: 'de-DE' } });
  });

  it('hands a file to the runner holding a run whose plan uploads it, and to nobody else', async () => {
    const conversationId = await newConversation();
    const invoice = await attach(conversationId, 'invoice 2024.pdf', randomBytes(2048));
    const other = await attach(conversationId, 'other.pdf', new Uint8Array([9]));
    const assign = await assigned(conversationId, [{ type: 'goto', url: 'http://127.0.0.1:9/' }, uploadStep([invoice.id])]);
    expect(assign.steps[1]).toEqual(uploadStep([invoice.id]));
    const held = { runId: assign.runId, attempt: assign.attempt };
    const asRunner = { Authorization: `Bearer ${server.token}`, 'X-Runner-Id': runner.id };

    const served = await fetchAsRunner(invoice.id, held, asRunner);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''invoice%202024.pdf");
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    const original = await fetch(`${server.baseUrl}/api/attachments/${invoice.id}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(await original.arrayBuffer()))).toBe(true);
    // The scheme name is case-insensitive.
    expect((await fetchAsRunner(invoice.id, held, { ...asRunner, Authorization: `bearer ${server.token}` })).status).toBe(200);

    // A wrong or missing token: 401, before anything else is looked at.
    for (const authorization of [`Bearer ${server.token}x`, `Bearer ${server.token.slice(1)}`, 'Basic dXNlcjpwYXNz', '']) {
      const refused = await fetchAsRunner(invoice.id, held, { ...asRunner, Authorization: authorization });
      expect(refused.status, authorization).toBe(401);
      expect(((await refused.json()) as any).error.code).toBe('unauthorized');
    }
    expect((await fetchAsRunner('not-an-id', held, { 'X-Runner-Id': runner.id })).status).toBe(401);
    // Another runner, another attempt or run, a file the plan does not upload: 404, whichever it is.
    const notFound = [
      await fetchAsRunner(invoice.id, held, { ...asRunner, 'X-Runner-Id': randomUUID() }),
      await fetchAsRunner(invoice.id, { ...held, attempt: held.attempt + 1 }, asRunner),
      await fetchAsRunner(invoice.id, { ...held, runId: randomUUID() }, asRunner),
      await fetchAsRunner(other.id, held, asRunner),
      await fetchAsRunner(randomUUID(), held, asRunner),
    ];
    expect(notFound.map((response) => response.status)).toEqual([404, 404, 404, 404, 404]);
    // Malformed requests from the runner: 400.
    expect((await fetchAsRunner(invoice.id, held, { Authorization: asRunner.Authorization, 'X-Runner-Id': 'me' })).status).toBe(400);
    expect((await fetchAsRunner(invoice.id, { runId: held.runId }, asRunner)).status).toBe(400);
    expect((await fetchAsRunner(invoice.id, { ...held, attempt: 'one' }, asRunner)).status).toBe(400);

    // Once the run has ended, the runner holds it no more.
    runner.send({ type: 'run-end', ...held, seq: 1, status: 'succeeded' });
    await runner.next('ack', (ack) => ack.runId === held.runId);
    expect((await fetchAsRunner(invoice.id, held, asRunner)).status).toBe(404);
  });

  it('does not hand a file to a run of another conversation, even one whose plan names it', async () => {
    const conversationId = await newConversation();
    const invoice = await attach(conversationId, 'invoice.pdf', new Uint8Array([1, 2]));
    // A plan stored without the checks the API makes, in another conversation.
    const owner = (await server.store.users.ensure('local')).id;
    const elsewhere = await newConversation();
    const queued = await server.store.messages.appendAssistant(owner, elsewhere, {
      parts: textParts('Running it.'),
      plan: { source: 'api', steps: [uploadStep([invoice.id])] },
      run: { maxAttempts: 1, maxQueued: 50 },
    });
    const runId = queued?.status === 'appended' ? queued.runId! : '';
    // Queued without a wake-up: the next run queued through the API wakes the dispatcher.
    const wake = await server.api('/api/runs', { body: { steps: [{ type: 'goto', url: 'http://127.0.0.1:9/' }] } });
    const assign = await runner.next('run-assign', (message) => message.runId === runId);
    const asRunner = { Authorization: `Bearer ${server.token}`, 'X-Runner-Id': runner.id };
    expect((await fetchAsRunner(invoice.id, { runId, attempt: assign.attempt }, asRunner)).status).toBe(404);
    runner.send({ type: 'run-end', runId, attempt: assign.attempt, seq: 1, status: 'succeeded' });
    const next = await runner.next('run-assign', (message) => message.runId === wake.body.run.id);
    runner.send({ type: 'run-end', runId: next.runId, attempt: next.attempt, seq: 1, status: 'succeeded' });
    await runner.next('ack', (ack) => ack.runId === next.runId);
  });
});
