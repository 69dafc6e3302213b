import type pg from 'pg';
import type { SlackLinkRepository } from '../store.ts';
import { transaction } from './sql.ts';

export function createPostgresSlackLinks(pool: pg.Pool): SlackLinkRepository {
  return {
    async createCode(ownerId, { codeHash, expiresAt }) {
      await pool.query('DELETE FROM slack_link_codes WHERE owner_id = $1 AND expires_at <= now()', [ownerId]);
      await pool.query('INSERT INTO slack_link_codes (code_hash, owner_id, expires_at) VALUES ($1, $2, $3)', [
        Buffer.from(codeHash),
        ownerId,
        expiresAt,
      ]);
    },

    redeemCode({ codeHash, teamId, userId }) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ owner_id: string }>(
          `UPDATE slack_link_codes SET used_at = now()
           WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
           RETURNING owner_id`,
          [Buffer.from(codeHash)],
        );
        const ownerId = rows[0]?.owner_id;
        if (!ownerId) return null;
        await client.query(
          `INSERT INTO slack_links (team_id, user_id, owner_id) VALUES ($1, $2, $3)
           ON CONFLICT (team_id, user_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, created_at = now()`,
          [teamId, userId, ownerId],
        );
        return { ownerId };
      });
    },

    async linkedOwner(teamId, userId) {
      const { rows } = await pool.query<{ owner_id: string }>('SELECT owner_id FROM slack_links WHERE team_id = $1 AND user_id = $2', [
        teamId,
        userId,
      ]);
      return rows[0]?.owner_id ?? null;
    },

    async firstSighting(signature, expiresAt) {
      // Expired signatures are forgotten first, so the table holds about five minutes of requests.
      await pool.query('DELETE FROM slack_seen_requests WHERE expires_at <= now()');
      const { rowCount } = await pool.query(
        'INSERT INTO slack_seen_requests (signature, expires_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING',
        [signature, expiresAt],
      );
      return rowCount === 1;
    },

    async addPendingReply({ runId, ownerId, responseUrl, expiresAt }) {
      await pool.query(
        `INSERT INTO slack_pending_replies (run_id, owner_id, response_url, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (run_id) DO UPDATE SET response_url = EXCLUDED.response_url, expires_at = EXCLUDED.expires_at`,
        [runId, ownerId, responseUrl, expiresAt],
      );
    },

    async takePendingReply(runId) {
      const { rows } = await pool.query<{ owner_id: string; response_url: string; live: boolean }>(
        'DELETE FROM slack_pending_replies WHERE run_id = $1 RETURNING owner_id, response_url, expires_at > now() AS live',
        [runId],
      );
      const row = rows[0];
      return row?.live ? { ownerId: row.owner_id, responseUrl: row.response_url } : null;
    },

    async pendingReplies(limit) {
      await pool.query('DELETE FROM slack_pending_replies WHERE expires_at <= now()');
      const { rows } = await pool.query<{ run_id: string; owner_id: string }>(
        'SELECT run_id, owner_id FROM slack_pending_replies ORDER BY created_at, run_id LIMIT $1',
        [limit],
      );
      return rows.map((row) => ({ runId: row.run_id, ownerId: row.owner_id }));
    },
  };
}
