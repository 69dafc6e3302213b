import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ErrorInfo } from '../../../protocol/index.ts';
import type { ArtifactRepository, RunRepository, Store, UserRepository } from '../store.ts';
import { createPostgresAttachments } from './postgres-attachments.ts';
import { createPostgresBrowserSessions } from './postgres-browser-sessions.ts';
import { createPostgresConversations } from './postgres-conversations.ts';
import { createPostgresMessages } from './postgres-messages.ts';
import { createPostgresPlans } from './postgres-plans.ts';
import { createPostgresRunQueue } from './postgres-run-queue.ts';
import { createPostgresSchedules } from './postgres-schedules.ts';
import { createPostgresSlackLinks } from './postgres-slack-links.ts';
import { createPostgresUsage } from './postgres-usage.ts';
import { recordRunChange, transaction } from './sql.ts';
import { loadRuns } from './views.ts';

const CANCELLED: ErrorInfo = { code: 'cancelled', message: 'Cancelled by the user.' };

export type PostgresStoreOptions = {
  /** A pool on a database that `migrate` has brought up to date. */
  pool: pg.Pool;
};

export function createPostgresStore({ pool }: PostgresStoreOptions): Store {
  return {
    users: createUsers(pool),
    conversations: createPostgresConversations(pool),
    messages: createPostgresMessages(pool),
    runs: createRuns(pool),
    plans: createPostgresPlans(pool),
    usage: createPostgresUsage(pool),
    artifacts: createArtifacts(pool),
    attachments: createPostgresAttachments(pool),
    sessions: createPostgresBrowserSessions(pool),
    slackLinks: createPostgresSlackLinks(pool),
    queue: createPostgresRunQueue({ pool }),
    schedules: createPostgresSchedules(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}

function createUsers(pool: pg.Pool): UserRepository {
  return {
    async ensure(login) {
      const { rows } = await pool.query<{ id: string; login: string }>(
        `INSERT INTO users (id, login) VALUES ($1, $2)
         ON CONFLICT (login) DO UPDATE SET login = EXCLUDED.login RETURNING id, login`,
        [randomUUID(), login],
      );
      return rows[0]!;
    },
  };
}

function createRuns(pool: pg.Pool): RunRepository {
  return {
    async get(ownerId, runId) {
      return (await loadRuns(pool, ownerId, [runId])).get(runId) ?? null;
    },

    async list(ownerId, conversationId, limit) {
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id FROM runs WHERE owner_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id LIMIT $3',
        [ownerId, conversationId, limit],
      );
      const loaded = await loadRuns(pool, ownerId, rows.map((row) => row.id));
      return rows.flatMap((row) => loaded.get(row.id) ?? []);
    },

    async latest(ownerId) {
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM runs WHERE owner_id = $1 ORDER BY created_at DESC, id LIMIT 1', [ownerId]);
      return rows[0] ? ((await loadRuns(pool, ownerId, [rows[0].id])).get(rows[0].id) ?? null) : null;
    },

    async idsStartingWith(ownerId, prefix, limit) {
      const range = uuidRange(prefix);
      if (!range) return [];
      // A range on the primary key, not LIKE on its text, so the index finds them.
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id FROM runs WHERE owner_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id LIMIT $4',
        [ownerId, range.low, range.high, limit],
      );
      return rows.map((row) => row.id);
    },

    cancel(ownerId, runId) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ status: string; runner_id: string | null; attempt: number; conversation_id: string }>(
          'SELECT status, runner_id, attempt, conversation_id FROM runs WHERE id = $1 AND owner_id = $2 FOR UPDATE',
          [runId, ownerId],
        );
        const row = rows[0];
        if (!row) return null;
        if (row.status !== 'queued' && row.status !== 'running') return (await loadRuns(client, ownerId, [runId])).get(runId)!;
        await client.query(
          `UPDATE runs SET status = 'cancelled', error = $2, ended_at = now(), runner_id = NULL, lease_expires_at = NULL,
             deadline_at = NULL, released_at = NULL
           WHERE id = $1`,
          [runId, CANCELLED],
        );
        if (row.status === 'running') {
          await client.query(
            `UPDATE run_attempts SET status = 'cancelled', error = $3, ended_at = now() WHERE run_id = $1 AND attempt = $2`,
            [runId, row.attempt, CANCELLED],
          );
        }
        await client.query(
          `UPDATE run_steps SET status = 'skipped' WHERE run_id = $1 AND attempt = $2 AND status IN ('pending', 'running')`,
          [runId, row.attempt],
        );
        const change = await recordRunChange(client, ownerId, row.conversation_id, runId);
        return {
          ...(await loadRuns(client, ownerId, [runId])).get(runId)!,
          change,
          ...(row.runner_id && { runnerId: row.runner_id, attempt: row.attempt }),
        };
      });
    },
  };
}

function createArtifacts(pool: pg.Pool): ArtifactRepository {
  return {
    async get(ownerId, artifactId) {
      const { rows } = await pool.query<{ kind: 'screenshot' | 'download'; mime_type: string; file_name: string | null; bytes: Buffer }>(
        'SELECT kind, mime_type, file_name, bytes FROM artifacts WHERE id = $1 AND owner_id = $2',
        [artifactId, ownerId],
      );
      const row = rows[0];
      return row ? { kind: row.kind, mimeType: row.mime_type, ...(row.file_name !== null && { fileName: row.file_name }), bytes: row.bytes } : null;
    },
  };
}

/** The lowest and highest UUIDs that start with `prefix` (hex digits, dashes ignored); null if it cannot start one. */
function uuidRange(prefix: string): { low: string; high: string } | null {
  const hex = prefix.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return null;
  const format = (digits: string) => `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
  return { low: format(hex.padEnd(32, '0')), high: format(hex.padEnd(32, 'f')) };
}
