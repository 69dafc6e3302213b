import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of a PostgreSQL server where tests may create databases. */
    postgresAdminUrl: string;
  }
}

/** Uses $DATABASE_URL when set; otherwise starts a throwaway embedded PostgreSQL for this test run. */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('postgresAdminUrl', process.env.DATABASE_URL);
    return;
  }
  const parent = await mkdtemp(join(tmpdir(), 'skipper-test-pg-'));
  await chmod(parent, 0o755); // mkdtemp makes it 0700; as root the cluster runs as another user
  const cluster = await startEmbeddedPostgres({
    dataDir: join(parent, 'pg'),
    password: randomBytes(16).toString('hex'),
    persistent: false,
    unsafeFast: true,
  });
  project.provide('postgresAdminUrl', cluster.url);
  return () => cluster.stop();
}
