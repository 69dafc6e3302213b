// `npm run chaos`: many short runs while the runner and the server are SIGKILLed at random
// points and started again, then the invariants are checked (test/harness/fault-injection.ts).
// Options: --runs N (default 120), --runner-kills N (12), --server-kills N (12), --seed N.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { runFaultInjection } from '../test/harness/fault-injection.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '120' },
    'runner-kills': { type: 'string', default: '12' },
    'server-kills': { type: 'string', default: '12' },
    seed: { type: 'string' },
  },
});

const parent = await mkdtemp(join(tmpdir(), 'skipper-chaos-'));
await chmod(parent, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex'), persistent: false });
try {
  const report = await runFaultInjection({
    databaseUrl: postgres.url,
    runs: Number(values.runs),
    runnerKills: Number(values['runner-kills']),
    serverKills: Number(values['server-kills']),
    ...(values.seed && { seed: Number(values.seed) }),
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.violations.length === 0 ? 0 : 1;
} finally {
  await postgres.stop();
  await rm(parent, { recursive: true, force: true });
}
