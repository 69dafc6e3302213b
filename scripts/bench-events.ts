// `npm run bench:events`: what the server spends on each event a runner reports. A runner driven
// by hand over /ws/runner reports the steps of several runs at once (step-start, a screenshot,
// step-end, for each step), with a UI client watching the conversation, as when a person keeps
// the chat open. Prints the time from sending an event to its ack, and from the last event to
// the UI showing the run as ended. Options: --runs N (default 8), --steps N (default 10).
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { encodeBinaryFrame, PROTOCOL_VERSION, type RunAssign } from '../protocol/index.ts';
import { startTestServer } from '../test/harness/test-server.ts';
import { connectUi } from '../test/harness/ui-client.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '8' }, steps: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const stepCount = Number(values.steps);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8]), randomBytes(60_000)]); // a JPEG's first bytes, then about the size of a 1280x800 screenshot at quality 70

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
const server = await startTestServer({ database: { url: postgres.url, drop: async () => {} }, maxQueuedPerUser: runs });
// A runner by hand, its own socket: acks are matched in a map, not searched for, so the bench measures the server.
const runner = new WebSocket(server.runnerUrl, { headers: { Authorization: `Bearer ${server.token}` } });
// Assignments may arrive before POST /api/runs has answered.
const assigned = new Map<string, RunAssign>();
const awaitingAssign = new Map<string, (assign: RunAssign) => void>();
const assignOf = (runId: string) =>
  new Promise<RunAssign>((resolve) => (assigned.has(runId) ? resolve(assigned.get(runId)!) : awaitingAssign.set(runId, resolve)));
const acked = new Map<string, () => void>();
runner.on('message', (data) => {
  const message = JSON.parse(data.toString());
  if (message.type === 'run-assign') {
    assigned.set(message.runId, message);
    awaitingAssign.get(message.runId)?.(message);
  }
  if (message.type === 'ack') acked.get(`${message.runId}/${message.seq}`)?.();
});
await once(runner, 'open');
runner.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, runner: { id: randomUUID(), name: 'bench', capacity: runs, browser: 'none' }, runs: [] }));
const ui = await connectUi(server.baseUrl);

try {
  const { body } = await server.api('/api/conversations', { body: { title: 'events bench' } });
  await ui.subscribe(body.conversation.id);
  const steps = Array.from({ length: stepCount }, (_, index) => ({ type: 'goto', url: `http://127.0.0.1:9/page-${index}` }));
  const created = await Promise.all(Array.from({ length: runs }, () => server.api('/api/runs', { body: { steps, conversationId: body.conversation.id } })));
  const assigns = await Promise.all(created.map((response) => assignOf(response.body.run.id)));

  const ackTimes: number[] = [];
  const endToUi: number[] = [];
  const startedAt = performance.now();
  // Each run reports as a runner does: without waiting for acks, all runs at once.
  await Promise.all(
    assigns.map(async ({ runId, attempt }) => {
      let seq = 0;
      const acks: Promise<void>[] = [];
      const report = (event: object, jpeg?: Uint8Array) => {
        const header = { ...event, runId, attempt, seq: ++seq };
        const sentAt = performance.now();
        acks.push(new Promise<void>((resolve) => acked.set(`${runId}/${header.seq}`, resolve)).then(() => void ackTimes.push(performance.now() - sentAt)));
        runner.send(jpeg ? encodeBinaryFrame(header, jpeg) : JSON.stringify(header), { binary: jpeg !== undefined });
      };
      for (let index = 0; index < stepCount; index++) {
        report({ type: 'step-start', index });
        report({ type: 'step-screenshot', index, mimeType: 'image/jpeg' }, JPEG);
        report({ type: 'step-end', index, status: 'succeeded', durationMs: 5, output: { url: steps[index]!.url } });
      }
      report({ type: 'run-end', status: 'succeeded' });
      const lastSentAt = performance.now();
      await ui.waitForRun(runId, (run) => run.status === 'succeeded' && run.steps.every((step) => step.screenshot), 120_000);
      endToUi.push(performance.now() - lastSentAt);
      await Promise.all(acks);
    }),
  );
  const wallMs = performance.now() - startedAt;
  const events = ackTimes.length;
  console.log(`${runs} runs of ${stepCount} steps reported at once by one runner, a UI watching; ${new Date().toISOString()}`);
  console.table({
    'event -> ack': { median: ms(percentile(ackTimes, 0.5)), p95: ms(percentile(ackTimes, 0.95)) },
    'run-end sent -> UI shows the run ended': { median: ms(percentile(endToUi, 0.5)), p95: ms(percentile(endToUi, 0.95)) },
  });
  console.log(`${events} events in ${ms(wallMs)}: ${(events / (wallMs / 1000)).toFixed(0)} events per second`);
} finally {
  ui.close();
  runner.close();
  await server.stop();
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
