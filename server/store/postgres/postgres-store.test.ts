import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { storeContract } from '../testing/store-contract.ts';
import { migrate } from './migrate.ts';
import { openPostgresStore } from './open-postgres-store.ts';

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

async function freshDatabase() {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

storeContract({
  name: 'postgres',
  open: async () => openPostgresStore({ connectionString: (await freshDatabase()).url }),
});

describe('postgres migrations', () => {
  it('bring an empty database up to date once', async () => {
    const pool = new pg.Pool({ connectionString: (await freshDatabase()).url });
    try {
      expect((await migrate(pool)).applied).toEqual(['001_initial.sql', '002_plan_provenance.sql']);
      expect((await migrate(pool)).applied).toEqual([]);
      const { rows } = await pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(rows.map((row) => row.table_name)).toEqual([
        'artifacts',
        'conversations',
        'messages',
        'plans',
        'run_steps',
        'runs',
        'schema_migrations',
        'users',
      ]);
    } finally {
      await pool.end();
    }
  });

  it('serialise servers that start at the same time', async () => {
    const { url } = await freshDatabase();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(results.map((result) => result.applied.length).sort()).toEqual([0, 2]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});

describe('embedded PostgreSQL', () => {
  it('starts on a directory whose previous owner was killed and left its PostgreSQL running', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'skipper-orphan-'));
    await chmod(parent, 0o755);
    const options = { dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex') };
    const module = fileURLToPath(new URL('../../db/embedded-postgres.ts', import.meta.url));
    const owner = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { startEmbeddedPostgres } = await import(${JSON.stringify(module)}); await startEmbeddedPostgres(${JSON.stringify(options)}); console.log('ready');`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => owner.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    expect(existsSync(join(options.dataDir, 'postmaster.pid'))).toBe(true); // the orphan still holds the directory

    const cluster = await startEmbeddedPostgres(options);
    try {
      const client = new pg.Client(cluster.url);
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await cluster.stop();
      await rm(parent, { recursive: true, force: true });
    }
  });


  it('keeps what was stored when the server restarts on the same directory', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'skipper-restart-'));
    await chmod(parent, 0o755);
    const options = { dataDir: join(parent, 'pg'), password: randomBytes(12).toString('hex') };
    try {
      const first = await startEmbeddedPostgres(options);
      const store = await openPostgresStore({ connectionString: first.url });
      const owner = await store.users.ensure('alice');
      const conversation = await store.conversations.create(owner.id, {});
      await store.messages.appendUser(owner.id, conversation.id, { text: 'remember me' });
      await store.close();
      await first.stop();

      const second = await startEmbeddedPostgres(options);
      const reopened = await openPostgresStore({ connectionString: second.url });
      try {
        expect((await reopened.users.ensure('alice')).id).toBe(owner.id);
        const thread = await reopened.conversations.messages(owner.id, conversation.id);
        expect(thread?.messages[0]?.parts).toEqual([{ type: 'text', text: 'remember me' }]);
      } finally {
        await reopened.close();
        await second.stop();
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
