import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleWebhookPayloadSchema } from '../protocol/index.ts';
import { captureLogs } from '../server/schedules/testing.ts';
import { createGrowingList, type GrowingList } from './harness/growing-list.ts';
import { connectRunnerSocket, type RunnerSocket } from './harness/runner-socket.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// A schedule's webhook: after each of its runs ends, a local HTTP server standing in for the
// receiver gets the outcome as JSON, signed with the schedule's secret; a failed delivery is
// tried again. The run is driven by hand over the runner socket.

const SECRET = 'whsec-a-secret-of-32-characters!';

type Received = { headers: Record<string, string | string[] | undefined>; body: string };

describe('schedule webhooks', () => {
  let server: TestServer;
  let runner: RunnerSocket;
  let receiver: Server;
  let receiverUrl: string;
  const received: GrowingList<Received> = createGrowingList();
  /** Statuses the receiver answers with, in turn; then 200. */
  const answers: number[] = [];
  const logs = captureLogs({ level: 'debug' });

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.statusCode = answers.shift() ?? 200;
        response.end();
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/skipper?token=kept-out-of-logs`;
    server = await startTestServer({ scheduleWebhookRetryDelaysMs: [50, 100], logger: logs.logger });
    runner = await connectRunnerSocket(server, randomUUID());
  });
  afterAll(async () => {
    await runner?.close();
    await server?.stop();
    await server?.database.drop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** Runs the schedule now and plays its run on the runner: it reads `price`, then ends `status`. */
  async function runOnce(scheduleId: string, { price, status }: { price: string; status: 'succeeded' | 'failed' }) {
    const started = await server.api(`/api/schedules/${scheduleId}/run`, { method: 'POST' });
    expect(started.status).toBe(201);
    const assign = await runner.next('run-assign', (message) => message.runId === started.body.runId);
    const ref = { runId: assign.runId, attempt: assign.attempt };
    runner.send({ type: 'step-start', ...ref, seq: 1, index: 0 });
    runner.send({ type: 'step-end', ...ref, seq: 2, index: 0, status: 'succeeded', durationMs: 5, output: { url: 'http://127.0.0.1:9/a' } });
    runner.send({ type: 'step-start', ...ref, seq: 3, index: 1 });
    runner.send({ type: 'step-end', ...ref, seq: 4, index: 1, status: 'succeeded', durationMs: 5, output: { text: price } });
    runner.send({ type: 'run-end', ...ref, seq: 5, status, ...(status === 'failed' && { error: { code: 'assertion-failed', message: 'not cheap enough' } }) });
    return started.body.runId as string;
  }

  function verify({ headers, body }: Received) {
    const timestamp = headers['x-skipper-timestamp'] as string;
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1_000)).toBeLessThan(300);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
    expect(headers['x-skipper-signature']).toBe(expected);
    expect(headers['content-type']).toBe('application/json');
    return ScheduleWebhookPayloadSchema.parse(JSON.parse(body));
  }

  it('POSTs each ended run, signed with the secret, and tries again after a failure', async () => {
    const created = await server.api('/api/schedules', {
      body: { when: 'every 1 hour', name: 'Price watch', prompt: 'go to http://127.0.0.1:9/a, then read the text of "Price"', webhookUrl: receiverUrl, webhookSecret: SECRET },
    });
    expect(created.status).toBe(201);
    const schedule = created.body.schedule;

    const runId = await runOnce(schedule.id, { price: '42 €', status: 'succeeded' });
    const delivery = await received.waitFor(() => true, { timeoutMs: 20_000, describe: () => 'no webhook' });
    const payload = verify(delivery);
    expect(payload).toMatchObject({
      type: 'schedule-run-ended',
      scheduleId: schedule.id,
      scheduleName: 'Price watch',
      run: { runId, trigger: 'manual', status: 'succeeded' },
      extracted: ['42 €'],
      runUrl: `${server.baseUrl.replace('127.0.0.1', 'localhost')}/c/${schedule.conversationId}`,
    });
    expect(payload.run.endedAt).toBeDefined();

    // The receiver fails twice, then takes it: three POSTs of the same body, each signed anew.
    answers.push(500, 503);
    const failedRunId = await runOnce(schedule.id, { price: '45 €', status: 'failed' });
    const attempts = await Promise.all([2, 3, 4].map((n) => received.waitFor((item) => received.items.indexOf(item) === n - 1, { timeoutMs: 20_000, describe: () => `no attempt ${n}` })));
    const payloads = attempts.map(verify);
    expect(payloads.map((item) => item.run.runId)).toEqual([failedRunId, failedRunId, failedRunId]);
    expect(payloads[2]).toMatchObject({ run: { status: 'failed', error: { code: 'assertion-failed' } }, extracted: ['45 €'] });
    expect(new Set(attempts.map((item) => item.body)).size).toBe(1);
    // Delivered once each: the run-ended event reached the instance once, and the claim is in the database.
    expect(received.items).toHaveLength(4);
  });

  it('gives up at once on a 4xx, and logs why without the secret or the address\'s path', async () => {
    const schedule = (
      await server.api('/api/schedules', {
        body: { when: 'every 1 hour', prompt: 'go to http://127.0.0.1:9/a, then read the text of "Price"', webhookUrl: receiverUrl, webhookSecret: SECRET },
      })
    ).body.schedule;
    answers.push(410);
    const before = received.items.length;
    const runId = await runOnce(schedule.id, { price: '1 €', status: 'succeeded' });
    const failure = await logs.waitFor((line) => line.msg === 'a schedule webhook could not be delivered' && line.runId === runId);
    expect(failure).toMatchObject({ attempts: 1, problem: 'HTTP 410', webhook: new URL(receiverUrl).origin });
    expect(received.items).toHaveLength(before + 1);
    const logged = JSON.stringify(logs.lines);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain('kept-out-of-logs');
  });
});
