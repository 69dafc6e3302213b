import type pg from 'pg';
import type { SessionView } from '../../../protocol/index.ts';
import type { BrowserSessionRepository } from '../store.ts';

type SessionRow = { name: string; sites: string[]; run_id: string | null; saved_at: Date; expires_at: Date };

const VIEW_COLUMNS = 'name, sites, run_id, saved_at, expires_at';
/** Names match whatever their case (browser_sessions_name is on lower(name)); an expired session is gone. */
const NAMED = 'owner_id = $1 AND lower(name) = lower($2) AND expires_at > now()';

function toSessionView(row: SessionRow): SessionView {
  return {
    name: row.name,
    sites: row.sites,
    ...(row.run_id && { runId: row.run_id }),
    savedAt: row.saved_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

export function createPostgresBrowserSessions(pool: pg.Pool): BrowserSessionRepository {
  return {
    async list(ownerId) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT ${VIEW_COLUMNS} FROM browser_sessions WHERE owner_id = $1 AND expires_at > now() ORDER BY saved_at DESC, name`,
        [ownerId],
      );
      return rows.map(toSessionView);
    },

    async get(ownerId, name) {
      const { rows } = await pool.query<SessionRow & { state: Buffer }>(`SELECT ${VIEW_COLUMNS}, state FROM browser_sessions WHERE ${NAMED}`, [
        ownerId,
        name,
      ]);
      return rows[0] ? { session: toSessionView(rows[0]), state: rows[0].state } : null;
    },

    async delete(ownerId, name) {
      const { rowCount } = await pool.query(`DELETE FROM browser_sessions WHERE ${NAMED}`, [ownerId, name]);
      return rowCount === 1;
    },

    async deleteExpired() {
      const { rowCount } = await pool.query('DELETE FROM browser_sessions WHERE expires_at <= now()');
      return rowCount ?? 0;
    },
  };
}
