import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
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
import { createPostgresStore } from './postgres-store.ts';

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
      expect((await migrate(pool)).applied).toEqual([
        '001_initial.sql',
        '002_plan_provenance.sql',
        '003_reliable_runs.sql',
        '004_assistant.sql',
        '005_compiled_plans.sql',
        '006_browser_sessions_and_files.sql',
        '007_schedules.sql',
        '008_slack_links.sql',
      ]);
      expect((await migrate(pool)).applied).toEqual([]);
      const { rows } = await pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(rows.map((row) => row.table_name)).toEqual([
        'agenda_jobs',
        'artifacts',
        'attachments',
        'browser_sessions',
        'conversations',
        'messages',
        'model_calls',
        'plan_step_resolutions',
        'plans',
        'run_attempts',
        'run_steps',
        'runs',
        'schedule_runs',
        'schedules',
        'schema_migrations',
        'slack_link_codes',
        'slack_links',
        'slack_pending_replies',
        'slack_seen_requests',
        'users',
      ]);
    } finally {
      await pool.end();
    }
  });

  it('carry runs made before attempts were recorded: their earlier attempts show as lost, ended runs keep their closing message', async () => {
    const { url } = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      // The schema as the previous release left it, with one run queued again after losing its runner and one that ended.
      for (const file of ['001_initial.sql', '002_plan_provenance.sql']) {
        await pool.query(await readFile(new URL(`./migrations/${file}`, import.meta.url), 'utf8'));
      }
      await pool.query(`CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO schema_migrations (version) VALUES ('001_initial.sql'), ('002_plan_provenance.sql')`);
      const [owner, conversation, plan, requeued, ended] = Array.from({ length: 5 }, () => randomUUID());
      await pool.query(`INSERT INTO users (id, login) VALUES ($1, 'old')`, [owner]);
      await pool.query(`INSERT INTO conversations (id, owner_id) VALUES ($1, $2)`, [conversation, owner]);
      await pool.query(`INSERT INTO plans (id, owner_id, conversation_id, source, steps) VALUES ($1, $2, $3, 'api', $4)`, [
        plan, owner, conversation, JSON.stringify([{ type: 'screenshot' }]),
      ]);
      await pool.query(
        `INSERT INTO runs (id, owner_id, conversation_id, plan_id, status, attempt, max_attempts, started_at, ended_at, error) VALUES
           ($1, $3, $4, $5, 'queued', 1, 2, now(), NULL, NULL),
           ($2, $3, $4, $5, 'failed', 2, 2, now(), now(), '{"code":"runner-lost","message":"gone"}')`,
        [requeued, ended, owner, conversation, plan],
      );
      await pool.query(`INSERT INTO messages (id, owner_id, conversation_id, position, role, text, plan_id, run_id) VALUES
        ($1, $3, $4, 1, 'assistant', 'a', $5, $6), ($2, $3, $4, 2, 'assistant', 'b', $5, $7)`, [randomUUID(), randomUUID(), owner, conversation, plan, requeued, ended]);

      expect((await migrate(pool)).applied).toEqual([
        '003_reliable_runs.sql',
        '004_assistant.sql',
        '005_compiled_plans.sql',
        '006_browser_sessions_and_files.sql',
        '007_schedules.sql',
        '008_slack_links.sql',
      ]);
      const store = createPostgresStore({ pool });
      const queuedRun = (await store.runs.get(owner!, requeued!))!.run;
      expect(queuedRun.earlierAttempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([[1, 'lost']]);
      const endedRun = (await store.runs.get(owner!, ended!))!.run;
      expect(endedRun.earlierAttempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([[1, 'lost']]);
      expect(endedRun).toMatchObject({ status: 'failed', attempt: 2 });
      expect((await store.queue.unsummarized(10)).map((finished) => finished.run.id)).not.toContain(ended);
    } finally {
      await pool.end();
    }
  });

  it('serialise servers that start at the same time', async () => {
    const { url } = await freshDatabase();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(results.map((result) => result.applied.length).sort()).toEqual([0, 8]);
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
        const thread = await reopened.conversations.snapshot(owner.id, conversation.id, { limit: 50 });
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
