// `npm run bench:concurrency`: login tasks posted at once to one runner, at each runner
// concurrency, through the real server, queue, runner process and Chromium. Prints how many
// succeeded, the wall time, and the memory of the runner with its Chromium: PSS (each shared
// page counted once, split between the processes sharing it) of the whole process tree, idle
// and at its peak while the runs go. Options: --runs N (default 32), --levels 1,2,4,8,16.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunView } from '../protocol/index.ts';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { startRunnerProcess } from '../test/harness/runner-process.ts';
import { startTestServer } from '../test/harness/test-server.ts';
import { connectUi } from '../test/harness/ui-client.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '32' }, levels: { type: 'string', default: '1,2,4,8,16' } } });
const runs = Number(values.runs);
const levels = values.levels.split(',').map(Number);

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
const server = await startTestServer({ database: { url: postgres.url, drop: async () => {} }, maxQueuedPerUser: runs });
const prompt =
  `go to ${server.baseUrl}/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", ` +
  `click "Sign in", then check that the page shows "Signed in as alice@example.com"`;
const rows: Record<string, { succeeded: string; wall: string; 'runs per second': string; 'idle MB': string; 'peak MB': string; 'MB per extra run': string }> = {};
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** PSS in bytes of a process and all its descendants (Linux). */
async function treePss(rootPid: number): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The parent pid is the second field after the command name, which may hold spaces.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent) parents.set(Number(entry), parent);
  }
  const inTree = (pid: number): boolean => pid === rootPid || (parents.has(pid) && inTree(parents.get(pid)!));
  let total = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  }
  return total;
}

/** Samples the tree's PSS every 100 ms until stopped; resolves with the peak. */
function samplePeak(rootPid: number): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      peak = Math.max(peak, await treePss(rootPid));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await sampling;
      return peak;
    },
  };
}
let idleAtOne = 0;
let peakAtOne = 0;

try {
  for (const concurrency of levels) {
    const runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: `bench-${concurrency}`, concurrency });
    const ui = await connectUi(server.baseUrl);
    try {
      const { body } = await server.api('/api/conversations', { body: { title: `concurrency ${concurrency}` } });
      await ui.subscribe(body.conversation.id);
      // One run first, so the browser is up and warm; then idle.
      const warmUp = await server.api('/api/runs', { body: { prompt, conversationId: body.conversation.id } });
      await ui.waitForRun(warmUp.body.run.id, (run) => ['succeeded', 'failed', 'cancelled'].includes(run.status), 60_000);
      const idle = await treePss(runner.child.pid!);
      const sampler = samplePeak(runner.child.pid!);
      const startedAt = performance.now();
      const created = await Promise.all(
        Array.from({ length: runs }, () => server.api('/api/runs', { body: { prompt, conversationId: body.conversation.id } })),
      );
      const ended: RunView[] = await Promise.all(
        created.map((response) => ui.waitForRun(response.body.run.id, (run) => ['succeeded', 'failed', 'cancelled'].includes(run.status), 600_000)),
      );
      const wallMs = performance.now() - startedAt;
      const peak = await sampler.stop();
      if (concurrency === 1) [idleAtOne, peakAtOne] = [idle, peak];
      const succeeded = ended.filter((run) => run.status === 'succeeded').length;
      rows[`concurrency ${concurrency}`] = {
        succeeded: `${succeeded} of ${runs}`,
        wall: `${(wallMs / 1000).toFixed(1)} s`,
        'runs per second': (runs / (wallMs / 1000)).toFixed(2),
        'idle MB': mb(idle),
        'peak MB': mb(peak),
        'MB per extra run': concurrency > 1 && peakAtOne > 0 ? mb((peak - peakAtOne) / (concurrency - 1)) : '',
      };
      for (const run of ended.filter((candidate) => candidate.status !== 'succeeded')) console.log(`${run.status}: ${run.error?.message}`);
    } finally {
      ui.close();
      await runner.stop();
    }
  }
  console.log(`${runs} login tasks posted at once to one runner, ${new Date().toISOString()}`);
  console.table(rows);
} finally {
  await server.stop();
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
