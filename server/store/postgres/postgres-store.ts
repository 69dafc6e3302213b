import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Conversation, ErrorInfo } from '../../../protocol/index.ts';
import type {
  AppendedMessage,
  ArtifactRepository,
  ConversationRepository,
  MessageRepository,
  NewAssistantMessage,
  RunRepository,
  Store,
  UserRepository,
} from '../store.ts';
import { createPostgresRunQueue } from './postgres-run-queue.ts';
import { bumpConversationSeq, lockConversation, recordRunChange, transaction, type Queryable } from './sql.ts';
import { loadMessages, loadRuns } from './views.ts';

/** Longest title taken from a first message. */
const TITLE_LENGTH = 80;
const CANCELLED: ErrorInfo = { code: 'cancelled', message: 'Cancelled by the user.' };

export type PostgresStoreOptions = {
  /** A pool on a database that `migrate` has brought up to date. */
  pool: pg.Pool;
};

export function createPostgresStore({ pool }: PostgresStoreOptions): Store {
  return {
    users: createUsers(pool),
    conversations: createConversations(pool),
    messages: createMessages(pool),
    runs: createRuns(pool),
    artifacts: createArtifacts(pool),
    queue: createPostgresRunQueue({ pool }),
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

type ConversationRow = { id: string; title: string | null; created_at: Date; updated_at: Date };

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

function createConversations(pool: pg.Pool): ConversationRepository {
  return {
    async create(ownerId, { title }) {
      const { rows } = await pool.query<ConversationRow>(
        'INSERT INTO conversations (id, owner_id, title) VALUES ($1, $2, $3) RETURNING *',
        [randomUUID(), ownerId, title ?? null],
      );
      return toConversation(rows[0]!);
    },
    async list(ownerId) {
      const { rows } = await pool.query<ConversationRow>(
        'SELECT * FROM conversations WHERE owner_id = $1 ORDER BY updated_at DESC, id',
        [ownerId],
      );
      return rows.map(toConversation);
    },
    async get(ownerId, conversationId) {
      const { rows } = await pool.query<ConversationRow>('SELECT * FROM conversations WHERE id = $1 AND owner_id = $2', [
        conversationId,
        ownerId,
      ]);
      return rows[0] ? toConversation(rows[0]) : null;
    },
    messages(ownerId, conversationId) {
      // One snapshot, so the seq returned is exactly the state the messages show.
      return transaction(
        pool,
        async (client) => {
          const { rows } = await client.query<{ seq: string }>('SELECT seq FROM conversations WHERE id = $1 AND owner_id = $2', [
            conversationId,
            ownerId,
          ]);
          if (!rows[0]) return null;
          return { seq: Number(rows[0].seq), messages: await loadMessages(client, ownerId, { conversationId }) };
        },
        { isolation: 'repeatable read', readOnly: true },
      );
    },
  };
}

function createMessages(pool: pg.Pool): MessageRepository {
  async function getMessage(db: Queryable, ownerId: string, messageId: string) {
    return (await loadMessages(db, ownerId, { messageIds: [messageId] }))[0] ?? null;
  }

  return {
    appendUser(ownerId, conversationId, { text, clientMessageId }) {
      return transaction(pool, async (client) => {
        if (!(await lockConversation(client, ownerId, conversationId))) return null;
        if (clientMessageId !== undefined) {
          const { rows } = await client.query<{ id: string; position: string }>(
            'SELECT id, position FROM messages WHERE conversation_id = $1 AND client_message_id = $2',
            [conversationId, clientMessageId],
          );
          if (rows[0]) {
            const message = (await getMessage(client, ownerId, rows[0].id))!;
            const change = { ownerId, conversationId, seq: Number(rows[0].position), messageId: message.id };
            return { message, change, duplicate: true };
          }
        }
        const seq = (await bumpConversationSeq(client, ownerId, conversationId))!;
        const id = randomUUID();
        await client.query(
          `INSERT INTO messages (id, owner_id, conversation_id, position, role, text, client_message_id)
           VALUES ($1, $2, $3, $4, 'user', $5, $6)`,
          [id, ownerId, conversationId, seq, text, clientMessageId ?? null],
        );
        await client.query('UPDATE conversations SET title = $1 WHERE id = $2 AND title IS NULL', [
          titleFrom(text),
          conversationId,
        ]);
        const message = (await getMessage(client, ownerId, id))!;
        return { message, change: { ownerId, conversationId, seq, messageId: id }, duplicate: false };
      });
    },

    appendAssistant(ownerId, conversationId, input) {
      return transaction(pool, async (client): Promise<AppendedMessage | null> => {
        const seq = await bumpConversationSeq(client, ownerId, conversationId);
        if (seq === null) return null;
        const { planId, runId } = await insertPlanAndRun(client, ownerId, conversationId, input);
        const id = randomUUID();
        await client.query(
          `INSERT INTO messages (id, owner_id, conversation_id, position, role, text, plan_id, run_id)
           VALUES ($1, $2, $3, $4, 'assistant', $5, $6, $7)`,
          [id, ownerId, conversationId, seq, input.text, planId ?? null, runId ?? null],
        );
        const message = (await getMessage(client, ownerId, id))!;
        return { message, change: { ownerId, conversationId, seq, messageId: id }, ...(runId && { runId }) };
      });
    },

    async replyTo(ownerId, messageId) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT next.id FROM messages m
         JOIN messages next ON next.conversation_id = m.conversation_id AND next.position > m.position
         WHERE m.id = $1 AND m.owner_id = $2 ORDER BY next.position LIMIT 1`,
        [messageId, ownerId],
      );
      return rows[0] ? getMessage(pool, ownerId, rows[0].id) : null;
    },

    get: (ownerId, messageId) => getMessage(pool, ownerId, messageId),
  };
}

async function insertPlanAndRun(
  client: pg.PoolClient,
  ownerId: string,
  conversationId: string,
  { plan, run }: NewAssistantMessage,
): Promise<{ planId?: string; runId?: string }> {
  if (!plan) return {};
  const planId = randomUUID();
  await client.query(
    `INSERT INTO plans (id, owner_id, conversation_id, source, steps, model, prompt_name, prompt_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      planId,
      ownerId,
      conversationId,
      plan.source,
      JSON.stringify(plan.steps),
      plan.model ?? null,
      plan.prompt?.name ?? null,
      plan.prompt?.hash ?? null,
    ],
  );
  if (!run) return { planId };
  const runId = randomUUID();
  await client.query(
    `INSERT INTO runs (id, owner_id, conversation_id, plan_id, status, max_attempts)
     VALUES ($1, $2, $3, $4, 'queued', $5)`,
    [runId, ownerId, conversationId, planId, run.maxAttempts],
  );
  return { planId, runId };
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : line;
}

function createRuns(pool: pg.Pool): RunRepository {
  return {
    async get(ownerId, runId) {
      return (await loadRuns(pool, ownerId, [runId])).get(runId) ?? null;
    },

    cancel(ownerId, runId) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ status: string; runner_id: string | null; attempt: number; conversation_id: string }>(
          'SELECT status, runner_id, attempt, conversation_id FROM runs WHERE id = $1 AND owner_id = $2 FOR UPDATE',
          [runId, ownerId],
        );
        const row = rows[0];
        if (!row) return null;
        if (row.status !== 'queued' && row.status !== 'running') {
          return { run: (await loadRuns(client, ownerId, [runId])).get(runId)!.run };
        }
        await client.query(
          `UPDATE runs SET status = 'cancelled', error = $2, ended_at = now(), runner_id = NULL, lease_expires_at = NULL
           WHERE id = $1`,
          [runId, CANCELLED],
        );
        await client.query(
          `UPDATE run_steps SET status = 'skipped' WHERE run_id = $1 AND attempt = $2 AND status IN ('pending', 'running')`,
          [runId, row.attempt],
        );
        return {
          run: (await loadRuns(client, ownerId, [runId])).get(runId)!.run,
          change: await recordRunChange(client, ownerId, row.conversation_id, runId),
          ...(row.runner_id && { runnerId: row.runner_id, attempt: row.attempt }),
        };
      });
    },
  };
}

function createArtifacts(pool: pg.Pool): ArtifactRepository {
  return {
    async get(ownerId, artifactId) {
      const { rows } = await pool.query<{ mime_type: string; bytes: Buffer }>(
        'SELECT mime_type, bytes FROM artifacts WHERE id = $1 AND owner_id = $2',
        [artifactId, ownerId],
      );
      return rows[0] ? { mimeType: rows[0].mime_type, bytes: rows[0].bytes } : null;
    },
  };
}
