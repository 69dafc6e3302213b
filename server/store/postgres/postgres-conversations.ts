import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Conversation } from '../../../protocol/index.ts';
import type { ConversationRepository } from '../store.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { lockConversation, transaction } from './sql.ts';
import { loadMessagePage } from './views.ts';

type ConversationRow = { id: string; title: string | null; auto_run: boolean; created_at: Date; updated_at: Date; updated_micros: string };

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    autoRun: row.auto_run,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** updated_at in whole microseconds: a Date keeps only milliseconds, too coarse for a page boundary. */
const CONVERSATION_COLUMNS = `id, title, auto_run, created_at, updated_at,
  (extract(epoch FROM updated_at) * 1000000)::bigint::text AS updated_micros`;

export function createPostgresConversations(pool: pg.Pool): ConversationRepository {
  return {
    async create(ownerId, { title, autoRun }) {
      const { rows } = await pool.query<ConversationRow>(
        `INSERT INTO conversations (id, owner_id, title, auto_run) VALUES ($1, $2, $3, $4) RETURNING ${CONVERSATION_COLUMNS}`,
        [randomUUID(), ownerId, title ?? null, autoRun ?? false],
      );
      return toConversation(rows[0]!);
    },

    async update(ownerId, conversationId, { title, autoRun }) {
      const { rows } = await pool.query<ConversationRow>(
        `UPDATE conversations SET title = coalesce($3, title), auto_run = coalesce($4, auto_run)
         WHERE id = $1 AND owner_id = $2 RETURNING ${CONVERSATION_COLUMNS}`,
        [conversationId, ownerId, title ?? null, autoRun ?? null],
      );
      return rows[0] ? toConversation(rows[0]) : null;
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
