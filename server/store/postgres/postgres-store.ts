import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Conversation, ErrorInfo } from '../../../protocol/index.ts';
import type {
  AppendAssistantResult,
  ArtifactRepository,
  ConversationRepository,
  MessageRepository,
  NewAssistantMessage,
  PlanRepository,
  RunRepository,
  Store,
  UserRepository,
} from '../store.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { createPostgresRunQueue } from './postgres-run-queue.ts';
import { bumpConversationSeq, lockConversation, recordRunChange, transaction, type Queryable } from './sql.ts';
import { loadMessagePage, loadMessages, loadPlans, loadRuns } from './views.ts';

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
    plans: createPlans(pool),
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

type ConversationRow = { id: string; title: string | null; created_at: Date; updated_at: Date; updated_micros: string };

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

/** updated_at in whole microseconds: a Date keeps only milliseconds, too coarse for a page boundary. */
const CONVERSATION_COLUMNS = `id, title, created_at, updated_at,
  (extract(epoch FROM updated_at) * 1000000)::bigint::text AS updated_micros`;

function createConversations(pool: pg.Pool): ConversationRepository {
  return {
    async create(ownerId, { title }) {
      const { rows } = await pool.query<ConversationRow>(
        `INSERT INTO conversations (id, owner_id, title) VALUES ($1, $2, $3) RETURNING ${CONVERSATION_COLUMNS}`,
        [randomUUID(), ownerId, title ?? null],
      );
      return toConversation(rows[0]!);
    },

    async list(ownerId, { limit, cursor }) {
      const after = cursor === undefined ? null : decodeCursor(cursor);
      const { rows } = await pool.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations
         WHERE owner_id = $1
           AND ($2::bigint IS NULL OR (updated_at, id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
         ORDER BY updated_at DESC, id DESC LIMIT $4`,
        [ownerId, after?.micros ?? null, after?.id ?? null, limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        conversations: page.map(toConversation),
        nextCursor: rows.length > limit && last ? encodeCursor({ micros: last.updated_micros, id: last.id }) : null,
      };
    },

    async get(ownerId, conversationId) {
      const { rows } = await pool.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 AND owner_id = $2`,
        [conversationId, ownerId],
      );
      return rows[0] ? toConversation(rows[0]) : null;
    },

    snapshot(ownerId, conversationId, { limit }) {
      // One snapshot, so the seq returned is exactly the state the messages show.
      return transaction(
        pool,
        async (client) => {
          const { rows } = await client.query<{ seq: string }>('SELECT seq FROM conversations WHERE id = $1 AND owner_id = $2', [
            conversationId,
            ownerId,
          ]);
          if (!rows[0]) return null;
          return { seq: Number(rows[0].seq), ...(await loadMessagePage(client, ownerId, conversationId, { limit })) };
        },
        { isolation: 'repeatable read', readOnly: true },
      );
    },

    delete(ownerId, conversationId) {
      return transaction(pool, async (client) => {
        if (!(await lockConversation(client, ownerId, conversationId))) return null;
        const { rows } = await client.query<{ id: string; attempt: number; runner_id: string }>(
          `SELECT id, attempt, runner_id FROM runs WHERE conversation_id = $1 AND status = 'running' FOR UPDATE`,
          [conversationId],
        );
        // Runs, plans, messages, steps and artifacts go with it (ON DELETE CASCADE).
        await client.query('DELETE FROM conversations WHERE id = $1 AND owner_id = $2', [conversationId, ownerId]);
        return { held: rows.map((row) => ({ runId: row.id, attempt: row.attempt, runnerId: row.runner_id })) };
      });
    },
  };
}

function createMessages(pool: pg.Pool): MessageRepository {
  async function getMessage(db: Queryable, ownerId: string, messageId: string) {
    return (await loadMessages(db, ownerId, [messageId]))[0] ?? null;
  }

  /** The reply to a message, or the closing message of a run, if one was written. */
  async function existing(db: Queryable, ownerId: string, input: NewAssistantMessage) {
    const column = input.replyTo !== undefined ? 'reply_to' : input.summaryOf !== undefined ? 'summary_of' : undefined;
    if (!column) return null;
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM messages WHERE ${column} = $1 AND owner_id = $2`, [
      input.replyTo ?? input.summaryOf,
      ownerId,
    ]);
    return rows[0] ? getMessage(db, ownerId, rows[0].id) : null;
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
      return transaction(pool, async (client): Promise<AppendAssistantResult | null> => {
        // The conversation lock serialises writers, so the checks below cannot race.
        if (!(await lockConversation(client, ownerId, conversationId))) return null;
        const earlier = await existing(client, ownerId, input);
        if (earlier) return { status: 'exists', message: earlier };
        if (input.run) {
          // Every run of this owner is counted under one lock, whichever conversation it is in. NO KEY
          // UPDATE, because it must not conflict with the key-share locks foreign keys to users take.
          await client.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [ownerId]);
          const { rows } = await client.query<{ queued: number }>(
            `SELECT count(*)::integer AS queued FROM runs WHERE owner_id = $1 AND status = 'queued'`,
            [ownerId],
          );
          const queued = rows[0]!.queued;
          if (queued >= input.run.maxQueued) return { status: 'too-many-runs', queued };
        }
        const planId = await planFor(client, ownerId, conversationId, input);
        if (input.plan && !planId) return null;
        const runId = planId && input.run ? await insertRun(client, ownerId, conversationId, planId, input.run.maxAttempts) : undefined;
        const seq = (await bumpConversationSeq(client, ownerId, conversationId))!;
        const id = randomUUID();
        await client.query(
          `INSERT INTO messages (id, owner_id, conversation_id, position, role, text, plan_id, run_id, reply_to, summary_of)
           VALUES ($1, $2, $3, $4, 'assistant', $5, $6, $7, $8, $9)`,
          [id, ownerId, conversationId, seq, input.text, planId ?? null, runId ?? null, input.replyTo ?? null, input.summaryOf ?? null],
        );
        if (input.summaryOf !== undefined) {
          await client.query('UPDATE runs SET summarized = true WHERE id = $1 AND owner_id = $2', [input.summaryOf, ownerId]);
        }
        const message = (await getMessage(client, ownerId, id))!;
        return { status: 'appended', message, change: { ownerId, conversationId, seq, messageId: id }, ...(runId && { runId }) };
      });
    },

    async replyTo(ownerId, messageId) {
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM messages WHERE reply_to = $1 AND owner_id = $2', [
        messageId,
        ownerId,
      ]);
      return rows[0] ? getMessage(pool, ownerId, rows[0].id) : null;
    },

    get: (ownerId, messageId) => getMessage(pool, ownerId, messageId),

    async page(ownerId, conversationId, { before, limit }) {
      const { rows } = await pool.query<{ position: string | null }>(
        `SELECT (SELECT position FROM messages WHERE id = $3 AND conversation_id = c.id) AS position
         FROM conversations c WHERE c.id = $1 AND c.owner_id = $2`,
        [conversationId, ownerId, before ?? null],
      );
      if (!rows[0]) return null;
      // A `before` that is not in this conversation gives an empty page, not someone else's messages.
      if (before !== undefined && rows[0].position === null) return { messages: [], hasOlder: false };
      return loadMessagePage(pool, ownerId, conversationId, {
        limit,
        ...(rows[0].position !== null && { beforePosition: Number(rows[0].position) }),
      });
    },
  };
}

/** The id of the message's plan: inserted when new, checked to belong to the conversation when given by id. */
async function planFor(
  client: pg.PoolClient,
  ownerId: string,
  conversationId: string,
  { plan }: NewAssistantMessage,
): Promise<string | undefined> {
  if (!plan) return undefined;
  if ('id' in plan) {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM plans WHERE id = $1 AND owner_id = $2 AND conversation_id = $3',
      [plan.id, ownerId, conversationId],
    );
    return rows[0]?.id;
  }
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
  return planId;
}

async function insertRun(client: pg.PoolClient, ownerId: string, conversationId: string, planId: string, maxAttempts: number) {
  const runId = randomUUID();
  await client.query(
    `INSERT INTO runs (id, owner_id, conversation_id, plan_id, status, max_attempts)
     VALUES ($1, $2, $3, $4, 'queued', $5)`,
    [runId, ownerId, conversationId, planId, maxAttempts],
  );
  return runId;
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

function createPlans(pool: pg.Pool): PlanRepository {
  return {
    async get(ownerId, planId) {
      const plan = (await loadPlans(pool, ownerId, [planId])).get(planId);
      if (!plan) return null;
      const { rows } = await pool.query<{ conversation_id: string }>('SELECT conversation_id FROM plans WHERE id = $1', [planId]);
      return { ...plan, conversationId: rows[0]!.conversation_id };
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
