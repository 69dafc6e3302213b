// `npm run bench:concurrency`: 20 login tasks posted at once to one runner, at each runner
// concurrency, through the real server, queue, runner process and Chromium. Prints how many
// succeeded and the wall time. Options: --runs N (default 20), --levels 1,2,4,8.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunView } from '../protocol/index.ts';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { startRunnerProcess } from '../test/harness/runner-process.ts';
import { startTestServer } from '../test/harness/test-server.ts';
import { connectUi } from '../test/harness/ui-client.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, levels: { type: 'string', default: '1,2,4,8' } } });
const runs = Number(values.runs);
const levels = values.levels.split(',').map(Number);

const parent = await mkdtemp(join(tmpdir(), 'skipper-bench-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
const server = await startTestServer({ database: { url: postgres.url, drop: async () => {} }, maxQueuedPerUser: runs });
const prompt =
  `go to ${server.baseUrl}/demo/login, type "alice@example.com" into "Email", type "secret" into "Password", ` +
  `click "Sign in", then check that the page shows "Signed in as alice@example.com"`;
const rows: Record<string, { succeeded: string; wall: string; 'runs per second': string }> = {};

try {
  for (const concurrency of levels) {
    const runner = await startRunnerProcess({ serverUrl: server.runnerUrl, token: server.token, name: `bench-${concurrency}`, concurrency });
    const ui = await connectUi(server.baseUrl);
    try {
      const { body } = await server.api('/api/conversations', { body: { title: `concurrency ${concurrency}` } });
      await ui.subscribe(body.conversation.id);
      const startedAt = performance.now();
      const created = await Promise.all(
        Array.from({ length: runs }, () => server.api('/api/runs', { body: { prompt, conversationId: body.conversation.id } })),
      );
      const ended: RunView[] = await Promise.all(
        created.map((response) => ui.waitForRun(response.body.run.id, (run) => ['succeeded', 'failed', 'cancelled'].includes(run.status), 600_000)),
      );
      const wallMs = performance.now() - startedAt;
      const succeeded = ended.filter((run) => run.status === 'succeeded').length;
      rows[`concurrency ${concurrency}`] = {
        succeeded: `${succeeded} of ${runs}`,
        wall: `${(wallMs / 1000).toFixed(1)} s`,
        'runs per second': (runs / (wallMs / 1000)).toFixed(2),
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
