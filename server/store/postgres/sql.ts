import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Change } from '../store.ts';

/** A pool or a client inside a transaction: anything that can run a query. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Independent reads, side by side on a pool (each on a connection of its own); one after
 * another on a client, which runs one query at a time.
 */
export async function readAll<const Reads extends readonly (() => Promise<unknown>)[]>(
  db: Queryable,
  reads: Reads,
): Promise<{ -readonly [Index in keyof Reads]: Awaited<ReturnType<Reads[Index]>> }> {
  if (db instanceof pg.Pool) return Promise.all(reads.map((read) => read())) as never;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as never;
}

export type TransactionOptions = { isolation?: 'read committed' | 'repeatable read'; readOnly?: boolean };

export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${options.isolation ?? 'read committed'}${options.readOnly ? ' READ ONLY' : ''}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Records that something in the conversation changed and returns the new seq. The row
 * lock it takes also serialises concurrent writers of one conversation.
 * Returns null when the conversation does not exist or belongs to someone else.
 */
export async function bumpConversationSeq(client: Queryable, ownerId: string, conversationId: string): Promise<number | null> {
  const { rows } = await client.query<{ seq: string }>(
    'UPDATE conversations SET seq = seq + 1, updated_at = now() WHERE id = $1 AND owner_id = $2 RETURNING seq',
    [conversationId, ownerId],
  );
  return rows[0] ? Number(rows[0].seq) : null;
}

/** Records a change to a run: bumps the conversation's seq and names the message that shows the run. */
export async function recordRunChange(
  client: Queryable,
  ownerId: string,
  conversationId: string,
  runId: string,
): Promise<Change> {
  const seq = await bumpConversationSeq(client, ownerId, conversationId);
  const { rows } = await client.query<{ id: string }>('SELECT id FROM messages WHERE run_id = $1 AND owner_id = $2', [runId, ownerId]);
  if (seq === null || !rows[0]) throw new Error(`run ${runId} has no conversation message`);
  return { ownerId, conversationId, seq, messageId: rows[0].id };
}

/** Records a change to one message: bumps the conversation's seq. */
export async function recordMessageChange(client: Queryable, ownerId: string, conversationId: string, messageId: string): Promise<Change> {
  const seq = await bumpConversationSeq(client, ownerId, conversationId);
  if (seq === null) throw new Error(`conversation ${conversationId} is gone`);
  return { ownerId, conversationId, seq, messageId };
}

/**
 * How many runs the owner has waiting, counted under a lock on the owner's row, so two
 * writers cannot both pass a cap. NO KEY UPDATE, because it must not conflict with the
 * key-share locks that foreign keys to users take.
 */
export async function countQueuedRuns(client: Queryable, ownerId: string): Promise<number> {
  await client.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [ownerId]);
  const { rows } = await client.query<{ queued: number }>(
    `SELECT count(*)::integer AS queued FROM runs WHERE owner_id = $1 AND status = 'queued'`,
    [ownerId],
  );
  return rows[0]!.queued;
}

/** Queues a run of a plan; returns its id. */
export async function insertRun(client: Queryable, ownerId: string, conversationId: string, planId: string, maxAttempts: number): Promise<string> {
  const runId = randomUUID();
  await client.query(
    `INSERT INTO runs (id, owner_id, conversation_id, plan_id, status, max_attempts)
     VALUES ($1, $2, $3, $4, 'queued', $5)`,
    [runId, ownerId, conversationId, planId, maxAttempts],
  );
  return runId;
}

/** Locks the conversation row for the rest of the transaction; false if it is not this owner's. */
export async function lockConversation(client: Queryable, ownerId: string, conversationId: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM conversations WHERE id = $1 AND owner_id = $2 FOR UPDATE', [
    conversationId,
    ownerId,
  ]);
  return rowCount === 1;
}
