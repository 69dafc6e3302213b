import { randomUUID } from 'node:crypto';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { ErrorInfo, RunStatus, ScheduleRun, ScheduleSpec, ScheduleStatus, ScheduleView, StepOutput } from '../../../protocol/index.ts';
import { SCHEDULE_JOB_NAME, type ScheduleRepository, type StoredWebhook } from '../store.ts';
import { transaction, type Queryable } from './sql.ts';

// Schedules and their fires. A view is read joined with the runs the schedule started (their
// state is never copied) and with its Agenda job, whose next_run_at is the next fire.

/** Agenda's job table, created by migration 007 (the backend is told not to create it). */
const JOBS_TABLE = 'agenda_jobs';
const FINAL = `('succeeded', 'failed', 'cancelled')`;

type ScheduleRow = {
  id: string;
  name: string;
  when_text: string;
  spec: ScheduleSpec;
  status: ScheduleStatus;
  plan_id: string;
  conversation_id: string;
  prompt: string | null;
  webhook_url: string | null;
  created_at: Date;
  next_run_at: Date | null;
};

type FireRow = {
  schedule_id: string;
  run_id: string;
  trigger: ScheduleRun['trigger'];
  due_at: Date;
  created_at: Date;
  status: RunStatus;
  ended_at: Date | null;
  error: ErrorInfo | null;
  screenshot_id: string | null;
};

/** A fire's run as history shows it: the run's own state, and its last screenshot for a thumbnail. */
const FIRE_COLUMNS = `sr.schedule_id, sr.run_id, sr.trigger, sr.due_at, r.created_at, r.status, r.ended_at, r.error,
  (SELECT st.screenshot_id FROM run_steps st
   WHERE st.run_id = r.id AND st.attempt = r.attempt AND st.screenshot_id IS NOT NULL
   ORDER BY st.step_index DESC LIMIT 1) AS screenshot_id`;

function toScheduleRun(row: FireRow): ScheduleRun {
  return {
    runId: row.run_id,
    trigger: row.trigger,
    dueAt: row.due_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    status: row.status,
    ...(row.ended_at && { endedAt: row.ended_at.toISOString() }),
    ...(row.error && { error: row.error }),
    ...(row.screenshot_id && { screenshotArtifactId: row.screenshot_id }),
  };
}

/** The owner's schedules (all, or those listed), newest first, as views. */
async function loadSchedules(db: Queryable, ownerId: string, scheduleIds?: string[]): Promise<ScheduleView[]> {
  const { rows } = await db.query<ScheduleRow>(
    `SELECT s.id, s.name, s.when_text, s.spec, s.status, s.plan_id, s.conversation_id, s.prompt, s.webhook_url, s.created_at,
            CASE WHEN s.status = 'active' AND NOT coalesce(j.disabled, true) THEN j.next_run_at END AS next_run_at
     FROM schedules s
     LEFT JOIN ${JOBS_TABLE} j ON j.name = $3 AND j.data ->> 'scheduleId' = s.id::text
     WHERE s.owner_id = $1 AND ($2::uuid[] IS NULL OR s.id = ANY($2))
     ORDER BY s.created_at DESC, s.id`,
    [ownerId, scheduleIds ?? null, SCHEDULE_JOB_NAME],
  );
  if (rows.length === 0) return [];
  const { rows: last } = await db.query<FireRow>(
    `SELECT DISTINCT ON (sr.schedule_id) ${FIRE_COLUMNS}
     FROM schedule_runs sr JOIN runs r ON r.id = sr.run_id
     WHERE sr.owner_id = $1 AND sr.schedule_id = ANY($2)
     ORDER BY sr.schedule_id, sr.created_at DESC, sr.id`,
    [ownerId, rows.map((row) => row.id)],
  );
  const lastRuns = new Map(last.map((row) => [row.schedule_id, toScheduleRun(row)]));
  return rows.map((row) => {
    const lastRun = lastRuns.get(row.id);
    return {
      id: row.id,
      name: row.name,
      when: row.when_text,
      spec: row.spec,
      status: row.status,
      planId: row.plan_id,
      conversationId: row.conversation_id,
      ...(row.prompt !== null && { prompt: row.prompt }),
      nextRunAt: row.next_run_at?.toISOString() ?? null,
      ...(lastRun && { lastRun }),
      ...(row.webhook_url !== null && { webhookUrl: row.webhook_url }),
      createdAt: row.created_at.toISOString(),
    };
  });
}

/** The lowest and highest UUIDs that start with `prefix` (hex digits, dashes ignored); null if none can. */
function uuidRange(prefix: string): { low: string; high: string } | null {
  const hex = prefix.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return null;
  const format = (digits: string) => `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
  return { low: format(hex.padEnd(32, '0')), high: format(hex.padEnd(32, 'f')) };
}

export function createPostgresSchedules(pool: pg.Pool): ScheduleRepository {
  const one = async (ownerId: string, scheduleId: string) => (await loadSchedules(pool, ownerId, [scheduleId]))[0] ?? null;

  return {
    create(ownerId, schedule, { maxPerOwner }) {
      return transaction(pool, async (client) => {
        // The owner's row lock serialises creators, so the count cannot be passed by two at once.
        // NO KEY UPDATE: it must not conflict with the key-share locks foreign keys to users take.
        await client.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [ownerId]);
        const { rows: counted } = await client.query<{ count: number }>('SELECT count(*)::integer AS count FROM schedules WHERE owner_id = $1', [ownerId]);
        const count = counted[0]!.count;
        if (count >= maxPerOwner) return { status: 'too-many' as const, count };
        const id = randomUUID();
        const { rowCount } = await client.query(
          `INSERT INTO schedules (id, owner_id, conversation_id, plan_id, name, when_text, spec, status, prompt, webhook_url, webhook_secret, webhook_since)
           SELECT $1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, CASE WHEN $9::text IS NULL THEN NULL ELSE now() END
           FROM plans p WHERE p.id = $4 AND p.owner_id = $2 AND p.conversation_id = $3`,
          [
            id,
            ownerId,
            schedule.conversationId,
            schedule.planId,
            schedule.name,
            schedule.when,
            JSON.stringify(schedule.spec),
            schedule.prompt ?? null,
            schedule.webhook?.url ?? null,
            schedule.webhook ? Buffer.from(schedule.webhook.sealedSecret) : null,
          ],
        );
        if (rowCount === 0) return null;
        return { status: 'created' as const, schedule: (await loadSchedules(client, ownerId, [id]))[0]! };
      });
    },

    async count(ownerId) {
      const { rows } = await pool.query<{ count: number }>('SELECT count(*)::integer AS count FROM schedules WHERE owner_id = $1', [ownerId]);
      return rows[0]!.count;
    },

    list: (ownerId) => loadSchedules(pool, ownerId),

    get: one,

    async webhook(ownerId, scheduleId) {
      const { rows } = await pool.query<{ webhook_url: string | null; webhook_secret: Buffer | null }>(
        'SELECT webhook_url, webhook_secret FROM schedules WHERE id = $1 AND owner_id = $2',
        [scheduleId, ownerId],
      );
      const row = rows[0];
      return row?.webhook_url && row.webhook_secret ? { url: row.webhook_url, sealedSecret: row.webhook_secret } : null;
    },

    async idsStartingWith(ownerId, prefix, limit) {
      const range = uuidRange(prefix);
      if (!range) return [];
      // A range on the primary key, not LIKE on its text, so the index finds them.
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id FROM schedules WHERE owner_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id LIMIT $4',
        [ownerId, range.low, range.high, limit],
      );
      return rows.map((row) => row.id);
    },

    async update(ownerId, scheduleId, changes) {
      const webhook: StoredWebhook | null | undefined = changes.webhook;
      const { rowCount } = await pool.query(
        `UPDATE schedules SET
           name = coalesce($3, name),
           when_text = coalesce($4, when_text),
           spec = coalesce($5::jsonb, spec),
           status = coalesce($6, status),
           webhook_url = CASE WHEN $7 THEN $8 ELSE webhook_url END,
           webhook_secret = CASE WHEN $7 THEN $9 ELSE webhook_secret END,
           webhook_since = CASE WHEN NOT $7 THEN webhook_since WHEN $8::text IS NULL THEN NULL ELSE coalesce(webhook_since, now()) END,
           updated_at = now()
         WHERE id = $1 AND owner_id = $2`,
        [
          scheduleId,
          ownerId,
          changes.name ?? null,
          changes.when ?? null,
          changes.spec ? JSON.stringify(changes.spec) : null,
          changes.status ?? null,
          webhook !== undefined,
          webhook?.url ?? null,
          webhook ? Buffer.from(webhook.sealedSecret) : null,
        ],
      );
      return rowCount === 0 ? null : one(ownerId, scheduleId);
    },

    async delete(ownerId, scheduleId) {
      const { rowCount } = await pool.query('DELETE FROM schedules WHERE id = $1 AND owner_id = $2', [scheduleId, ownerId]);
      return rowCount === 1;
    },

    async history(ownerId, scheduleId, limit) {
      const { rowCount } = await pool.query('SELECT 1 FROM schedules WHERE id = $1 AND owner_id = $2', [scheduleId, ownerId]);
      if (rowCount === 0) return null;
      const { rows } = await pool.query<FireRow>(
        `SELECT ${FIRE_COLUMNS} FROM schedule_runs sr JOIN runs r ON r.id = sr.run_id
         WHERE sr.owner_id = $1 AND sr.schedule_id = $2 ORDER BY sr.created_at DESC, sr.id LIMIT $3`,
        [ownerId, scheduleId, limit],
      );
      return rows.map(toScheduleRun);
    },

    async claimFire(ownerId, scheduleId, { trigger, dueAt }) {
      const fireId = randomUUID();
      const { rowCount } = await pool.query(
        `INSERT INTO schedule_runs (id, owner_id, schedule_id, trigger, due_at)
         SELECT $1, $2, $3, $4, $5 FROM schedules WHERE id = $3 AND owner_id = $2
         ON CONFLICT (schedule_id, due_at) WHERE trigger <> 'manual' DO NOTHING`,
        [fireId, ownerId, scheduleId, trigger, dueAt],
      );
      if (rowCount === 1) return { status: 'claimed', fireId };
      const { rowCount: exists } = await pool.query('SELECT 1 FROM schedules WHERE id = $1 AND owner_id = $2', [scheduleId, ownerId]);
      return exists === 1 ? { status: 'duplicate' } : { status: 'gone' };
    },

    async fired(ownerId, fireId, runId) {
      await pool.query('UPDATE schedule_runs SET run_id = $3 WHERE id = $1 AND owner_id = $2', [fireId, ownerId, runId]);
    },

    async abandonFire(ownerId, fireId) {
      await pool.query('DELETE FROM schedule_runs WHERE id = $1 AND owner_id = $2 AND run_id IS NULL', [fireId, ownerId]);
    },

    claimWebhook(ownerId, runId) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ schedule_id: string; name: string; conversation_id: string; webhook_url: string; webhook_secret: Buffer }>(
          `UPDATE schedule_runs sr SET webhook_status = 'sending'
           FROM schedules s, runs r
           WHERE sr.run_id = $2 AND sr.owner_id = $1 AND sr.webhook_status IS NULL
             AND s.id = sr.schedule_id AND s.webhook_url IS NOT NULL AND sr.created_at >= s.webhook_since
             AND r.id = sr.run_id AND r.status IN ${FINAL}
           RETURNING sr.schedule_id, s.name, s.conversation_id, s.webhook_url, s.webhook_secret`,
          [ownerId, runId],
        );
        const claimed = rows[0];
        if (!claimed) return null;
        const { rows: fires } = await client.query<FireRow>(
          `SELECT ${FIRE_COLUMNS} FROM schedule_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.run_id = $1 AND sr.owner_id = $2`,
          [runId, ownerId],
        );
        const { rows: outputs } = await client.query<{ output: StepOutput }>(
          `SELECT st.output FROM run_steps st JOIN runs r ON r.id = st.run_id AND st.attempt = r.attempt
           WHERE st.run_id = $1 AND st.owner_id = $2 AND st.output IS NOT NULL ORDER BY st.step_index`,
          [runId, ownerId],
        );
        return {
          scheduleId: claimed.schedule_id,
          scheduleName: claimed.name,
          conversationId: claimed.conversation_id,
          webhook: { url: claimed.webhook_url, sealedSecret: claimed.webhook_secret },
          run: toScheduleRun(fires[0]!),
          outputs: outputs.map((row) => row.output),
        };
      });
    },

    async webhookSent(ownerId, runId, outcome) {
      await pool.query('UPDATE schedule_runs SET webhook_status = $3 WHERE run_id = $1 AND owner_id = $2', [runId, ownerId, outcome]);
    },

    async unsentWebhooks(since, limit) {
      const { rows } = await pool.query<{ owner_id: string; run_id: string }>(
        `SELECT sr.owner_id, sr.run_id FROM schedule_runs sr
         JOIN schedules s ON s.id = sr.schedule_id JOIN runs r ON r.id = sr.run_id
         WHERE sr.webhook_status IS NULL AND sr.created_at >= $1 AND s.webhook_url IS NOT NULL
           AND sr.created_at >= s.webhook_since AND r.status IN ${FINAL}
         ORDER BY r.ended_at LIMIT $2`,
        [since, limit],
      );
      return rows.map((row) => ({ ownerId: row.owner_id, runId: row.run_id }));
    },

    jobBackend() {
      // The pool is the store's: Agenda does not close it when it stops. Its table is made by the
      // migrations, under their lock, rather than by each instance as it connects.
      return new PostgresBackend({ pool, tableName: JOBS_TABLE, ensureSchema: false });
    },
  };
}
