import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AppendAssistantResult, Change, MessageRepository, NewAssistantMessage } from '../store.ts';
import { insertPlan } from './postgres-plans.ts';
import { bumpConversationSeq, countQueuedRuns, insertRun, lockConversation, recordMessageChange, transaction, type Queryable } from './sql.ts';
import { loadMessagePage, loadMessages } from './views.ts';

/** Longest title taken from a first message. */
const TITLE_LENGTH = 80;

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : line;
}

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

/** The id of the message's plan: inserted when new, checked to belong to the conversation when given by id. */
async function planFor(client: pg.PoolClient, ownerId: string, conversationId: string, { plan }: NewAssistantMessage) {
  if (!plan) return undefined;
  if ('id' in plan) {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM plans WHERE id = $1 AND owner_id = $2 AND conversation_id = $3',
      [plan.id, ownerId, conversationId],
    );
    return rows[0]?.id ?? null;
  }
  return insertPlan(client, ownerId, conversationId, plan);
}

export function createPostgresMessages(pool: pg.Pool): MessageRepository {
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
          `INSERT INTO messages (id, owner_id, conversation_id, position, role, parts, client_message_id)
           VALUES ($1, $2, $3, $4, 'user', $5, $6)`,
          [id, ownerId, conversationId, seq, JSON.stringify([{ type: 'text', text }]), clientMessageId ?? null],
        );
        await client.query('UPDATE conversations SET title = $1 WHERE id = $2 AND title IS NULL', [titleFrom(text), conversationId]);
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
          const queued = await countQueuedRuns(client, ownerId);
          if (queued >= input.run.maxQueued) return { status: 'too-many-runs', queued };
        }
        const planId = await planFor(client, ownerId, conversationId, input);
        if (planId === null) return null;
        const runId = planId && input.run ? await insertRun(client, ownerId, conversationId, planId, input.run.maxAttempts) : undefined;
        const seq = (await bumpConversationSeq(client, ownerId, conversationId))!;
        const id = randomUUID();
        await client.query(
          `INSERT INTO messages (id, owner_id, conversation_id, position, role, parts, status, prompt_name, prompt_hash,
                                 plan_id, run_id, reply_to, summary_of, stream_lease_until)
           VALUES ($1, $2, $3, $4, 'assistant', $5, $6, $7, $8, $9, $10, $11, $12,
                   now() + $13::integer * interval '1 millisecond')`,
          [
            id,
            ownerId,
            conversationId,
            seq,
            JSON.stringify(input.parts),
            input.status ?? 'complete',
            input.prompt?.name ?? null,
            input.prompt?.hash ?? null,
            planId ?? null,
            runId ?? null,
            input.replyTo ?? null,
            input.summaryOf ?? null,
            input.streamLeaseMs ?? null,
          ],
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

    update(ownerId, messageId, { parts, status, error }) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ conversation_id: string }>(
          `UPDATE messages SET parts = $3, status = $4, error = $5 WHERE id = $1 AND owner_id = $2 AND role = 'assistant'
           RETURNING conversation_id`,
          [messageId, ownerId, JSON.stringify(parts), status, error ?? null],
        );
        return rows[0] ? recordMessageChange(client, ownerId, rows[0].conversation_id, messageId) : null;
      });
    },

    async renewStreams(messageIds, leaseMs) {
      if (messageIds.length === 0) return;
      await pool.query(
        `UPDATE messages SET stream_lease_until = now() + $2::integer * interval '1 millisecond'
         WHERE id = ANY($1) AND status = 'streaming'`,
        [messageIds, leaseMs],
      );
    },

    failAbandonedStreams(error) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ id: string; owner_id: string; conversation_id: string }>(
          `UPDATE messages SET status = 'failed', error = $1
           WHERE status = 'streaming' AND (stream_lease_until IS NULL OR stream_lease_until < now())
           RETURNING id, owner_id, conversation_id`,
          [error],
        );
        const changes: Change[] = [];
        for (const row of rows) changes.push(await recordMessageChange(client, row.owner_id, row.conversation_id, row.id));
        return changes;
      });
    },
  };
}
