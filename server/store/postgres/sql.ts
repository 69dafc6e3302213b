import type pg from 'pg';
import type { Change } from '../store.ts';

/** A pool or a client inside a transaction: anything that can run a query. */
export type Queryable = pg.Pool | pg.PoolClient;

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

/** Locks the conversation row for the rest of the transaction; false if it is not this owner's. */
export async function lockConversation(client: Queryable, ownerId: string, conversationId: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM conversations WHERE id = $1 AND owner_id = $2 FOR UPDATE', [
    conversationId,
    ownerId,
  ]);
  return rowCount === 1;
}
