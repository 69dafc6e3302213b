import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOWNLOAD_BYTES, RunDetailResponseSchema } from '../protocol/index.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Files a page downloads during a run: sent by the runner as binary frames, stored as artifacts
// of their step (once each, like every event), listed in the run, and served back as downloads,
// never as a page of skipper's.

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

const STEPS = [
  { type: 'goto', url: 'http://127.0.0.1:9/reports' },
  { type: 'click', target: 'Export' },
];

async function assignedRun() {
  const created = await server.api('/api/runs', { body: { steps: STEPS } });
  expect(created.status).toBe(201);
  const assign = await runner.next('run-assign', (message) => message.runId === created.body.run.id);
  let seq = 0;
  const ref = { runId: assign.runId, attempt: assign.attempt };
  return { ref, next: () => ({ ...ref, seq: ++seq }) };
}

function downloadHeader(event: { runId: string; attempt: number; seq: number }, fields: { index?: number; fileName?: string; mimeType?: string } = {}) {
  return { type: 'step-download', ...event, index: fields.index ?? 1, fileName: fields.fileName ?? 'report.csv', mimeType: fields.mimeType ?? 'text/csv' };
}

async function acked(event: { runId: string; seq: number }) {
  return runner.next('ack', (ack) => ack.runId === event.runId && ack.seq === event.seq);
}

async function runDetail(runId: string) {
  const { status, body } = await server.api(`/api/runs/${runId}`);
  expect(status).toBe(200);
  return RunDetailResponseSchema.parse(body);
}

describe('downloads', () => {
  it('stores each file a step downloaded once, lists them in the run, and serves them as downloads', async () => {
    const run = await assignedRun();
    runner.send({ type: 'step-start', ...run.next(), index: 1 });
    const page = new TextEncoder().encode('<html><script>alert("not from skipper")</script></html>');
    const first = run.next();
    runner.sendBinary(downloadHeader(first, { fileName: 'report "Q1".html', mimeType: 'text/html' }), page);
    await acked(first);
    // Sent again after a reconnection: acknowledged, not stored twice.
    runner.sendBinary(downloadHeader(first, { fileName: 'report "Q1".html', mimeType: 'text/html' }), page);
    const csv = new TextEncoder().encode('name,total\nalice,3\n');
    const second = run.next();
    runner.sendBinary(downloadHeader(second, { fileName: 'data.csv', mimeType: 'text/csv' }), csv);
    await acked(second);
    const odd = run.next();
    runner.sendBinary(downloadHeader(odd, { fileName: 'blob', mimeType: 'html' }), new Uint8Array([1, 2, 3]));
    await acked(odd);
    runner.send({ type: 'step-end', ...run.next(), index: 1, status: 'succeeded', durationMs: 5 });
    const end = run.next();
    runner.send({ type: 'run-end', ...end, status: 'succeeded' });
    await acked(end);

    const { run: view } = await runDetail(run.ref.runId);
    expect(view.steps[0]).not.toHaveProperty('downloads');
    const downloads = view.steps[1]?.downloads ?? [];
    expect(downloads.map(({ fileName, mimeType, bytes }) => ({ fileName, mimeType, bytes }))).toEqual([
      // The name is made safe again here: runners are not trusted.
      { fileName: 'report _Q1_.html', mimeType: 'text/html', bytes: page.length },
      { fileName: 'data.csv', mimeType: 'text/csv', bytes: csv.length },
      { fileName: 'blob', mimeType: 'application/octet-stream', bytes: 3 },
    ]);

    const served = await fetch(`${server.baseUrl}/api/artifacts/${downloads[0]!.artifactId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/html');
    expect(served.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''report%20_Q1_.html");
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(page))).toBe(true);
    const csvServed = await fetch(`${server.baseUrl}/api/artifacts/${downloads[1]!.artifactId}`);
    expect(csvServed.headers.get('content-type')).toBe('text/csv');
    expect(await csvServed.text()).toBe('name,total\nalice,3\n');
  });

  it('keeps serving screenshots as images, shown in place', async () => {
    const run = await assignedRun();
    const shot = run.next();
    runner.sendBinary({ type: 'step-screenshot', ...shot, index: 0, mimeType: 'image/jpeg' }, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    await acked(shot);
    runner.send({ type: 'run-end', ...run.next(), status: 'succeeded' });
    const { run: view } = await runDetail(run.ref.runId);
    const served = await fetch(`${server.baseUrl}/api/artifacts/${view.steps[0]!.screenshot!.artifactId}`);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-disposition')).toBeNull();
  });

  it('refuses a download larger than MAX_DOWNLOAD_BYTES, or with a bad header, and stores nothing', async () => {
    const run = await assignedRun();
    runner.sendBinary(downloadHeader(run.next()), new Uint8Array(MAX_DOWNLOAD_BYTES + 1));
    expect((await runner.next('error')).message).toContain(`larger than ${MAX_DOWNLOAD_BYTES} bytes`);
    const { fileName: _fileName, ...nameless } = downloadHeader(run.next());
    runner.sendBinary(nameless, new Uint8Array([1]));
    expect((await runner.next('error')).code).toBe('invalid-frame');
    runner.sendBinary(downloadHeader(run.next(), { fileName: 'a\u0000b' }), new Uint8Array([1]));
    expect((await runner.next('error')).code).toBe('invalid-frame');
    // A step the plan does not have.
    const missingStep = run.next();
    runner.sendBinary(downloadHeader(missingStep, { index: 9 }), new Uint8Array([1]));
    expect((await runner.next('error')).message).toContain('has no step 9');
    await acked(missingStep);
    // A run this runner was never given: acknowledged so it forgets it, and not stored.
    const stranger = { runId: randomUUID(), attempt: 1, seq: 1 };
    runner.sendBinary(downloadHeader(stranger), new Uint8Array([1]));
    await acked(stranger);

    const end = run.next();
    runner.send({ type: 'run-end', ...end, status: 'succeeded' });
    await acked(end);
    const { run: view } = await runDetail(run.ref.runId);
    expect(view.steps.flatMap((step) => step.downloads ?? [])).toEqual([]);
  });
});
