import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { BrowserOptions, ErrorInfo, Step } from '../../../protocol/index.ts';
import type { Change, CompiledStep, FinishedRun, HeldRun, Holder, LostReason, RunQueue } from '../store.ts';
import { recordRunChange, transaction } from './sql.ts';
import { loadRuns } from './views.ts';

type RunRow = { id: string; attempt: number; owner_id: string; conversation_id: string };
type FinalStatus = 'succeeded' | 'failed' | 'cancelled';

export function createPostgresRunQueue({ pool }: { pool: pg.Pool }): RunQueue {
  /**
   * Runs `work` only while `holder` still holds the run (same runner, same attempt, still
   * running) and only for an event not applied yet, renewing the lease if asked; otherwise does
   * nothing and returns null. This is the fence that makes a late event from a replaced or
   * cancelled attempt, or an event sent twice across a reconnection, harmless.
   */
  function whileHeld<T>(
    holder: Holder,
    leaseMs: number | null,
    work: (client: pg.PoolClient, run: RunRow) => Promise<T>,
  ): Promise<T | null> {
    return transaction(pool, async (client) => {
      const { rows } = await client.query<RunRow>(
        `UPDATE runs SET event_seq = $5,
           lease_expires_at = CASE WHEN $4::integer IS NULL THEN lease_expires_at
                                   ELSE greatest(lease_expires_at, now() + $4::integer * interval '1 millisecond') END
         WHERE id = $1 AND attempt = $2 AND runner_id = $3 AND status = 'running' AND event_seq < $5
         RETURNING id, attempt, owner_id, conversation_id`,
        [holder.runId, holder.attempt, holder.runnerId, leaseMs, holder.seq],
      );
      return rows[0] ? work(client, rows[0]) : null;
    });
  }

  /** Ends the current attempt, and the run unless it is queued again. */
  async function endAttempt(
    client: pg.PoolClient,
    run: RunRow,
    status: FinalStatus | 'queued',
    error: ErrorInfo | undefined,
  ): Promise<FinishedRun> {
    const final = status !== 'queued';
    await client.query(
      `UPDATE runs SET status = $2, error = $3, runner_id = NULL, lease_expires_at = NULL, deadline_at = NULL,
         released_at = NULL, ended_at = CASE WHEN $4 THEN now() END
       WHERE id = $1`,
      [run.id, status, final ? (error ?? null) : null, final],
    );
    await client.query(
      `UPDATE run_attempts SET status = $3, error = $4, ended_at = now() WHERE run_id = $1 AND attempt = $2`,
      [run.id, run.attempt, final ? status : 'lost', error ?? null],
    );
    // A step cut off mid-way failed with the attempt's error; steps never reached were skipped.
    await client.query(
      `UPDATE run_steps SET status = CASE WHEN status = 'running' AND $3::jsonb IS NOT NULL THEN 'failed' ELSE 'skipped' END,
                            error = CASE WHEN status = 'running' THEN $3::jsonb ELSE error END
       WHERE run_id = $1 AND attempt = $2 AND status IN ('pending', 'running')`,
      [run.id, run.attempt, error ?? null],
    );
    const change = await recordRunChange(client, run.owner_id, run.conversation_id, run.id);
    const { run: view, plan } = (await loadRuns(client, run.owner_id, [run.id])).get(run.id)!;
    return { run: view, plan, change };
  }

  return {
    claimNext({ runnerId, leaseMs, maxDurationMs }) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<RunRow & { steps: Step[]; browser: BrowserOptions | null }>(
          `WITH next AS (
             SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
           )
           UPDATE runs r SET status = 'running', attempt = r.attempt + 1, runner_id = $1, event_seq = 0,
             lease_expires_at = now() + $2::integer * interval '1 millisecond',
             deadline_at = now() + $3::integer * interval '1 millisecond',
             started_at = coalesce(r.started_at, now())
           FROM next, plans p WHERE r.id = next.id AND p.id = r.plan_id
           RETURNING r.id, r.attempt, r.owner_id, r.conversation_id, p.steps, p.browser`,
          [runnerId, leaseMs, maxDurationMs],
        );
        const run = rows[0];
        if (!run) return null;
        // One statement, one round trip: the time from queued to running is what a person waits for.
        const { rows: compiled } = await client.query<CompiledStep>(
          `WITH attempt AS (
             INSERT INTO run_attempts (run_id, attempt, owner_id, runner_id, status) VALUES ($1, $2, $3, $4, 'running')
           ), steps AS (
             INSERT INTO run_steps (run_id, attempt, step_index, owner_id, status)
             SELECT $1, $2, index, $3, 'pending' FROM generate_series(0, $5::integer - 1) AS index
           )
           SELECT step_index AS index, resolution FROM plan_step_resolutions
           WHERE plan_id = (SELECT plan_id FROM runs WHERE id = $1) ORDER BY step_index`,
          [run.id, run.attempt, run.owner_id, runnerId, run.steps.length],
        );
        const change = await recordRunChange(client, run.owner_id, run.conversation_id, run.id);
        return { runId: run.id, attempt: run.attempt, steps: run.steps, compiled, ...(run.browser && { browser: run.browser }), change };
      });
    },

    async renewLeases({ runnerId, runs, leaseMs }) {
      if (runs.length === 0) return;
      await pool.query(
        `UPDATE runs SET lease_expires_at = now() + $2::integer * interval '1 millisecond'
         FROM unnest($3::uuid[], $4::integer[]) AS held(run_id, attempt)
         WHERE runs.id = held.run_id AND runs.attempt = held.attempt AND runs.runner_id = $1 AND runs.status = 'running'`,
        [runnerId, leaseMs, runs.map((run) => run.runId), runs.map((run) => run.attempt)],
      );
    },

    async resume({ runnerId, runs, leaseMs }) {
      if (runs.length === 0) return [];
      const { rows } = await pool.query<{ id: string; attempt: number; event_seq: number; step_count: number }>(
        `UPDATE runs SET lease_expires_at = now() + $2::integer * interval '1 millisecond', released_at = NULL
         FROM unnest($3::uuid[], $4::integer[]) AS held(run_id, attempt), plans p
         WHERE runs.id = held.run_id AND runs.attempt = held.attempt AND runs.runner_id = $1 AND runs.status = 'running'
           AND p.id = runs.plan_id
         RETURNING runs.id, runs.attempt, runs.event_seq, jsonb_array_length(p.steps) AS step_count`,
        [runnerId, leaseMs, runs.map((run) => run.runId), runs.map((run) => run.attempt)],
      );
      return rows.map((row) => ({ runId: row.id, attempt: row.attempt, seq: row.event_seq, stepCount: row.step_count }));
    },

    async release({ runnerId, graceMs }) {
      await pool.query(
        `UPDATE runs SET released_at = now(),
           lease_expires_at = least(lease_expires_at, now() + $2::integer * interval '1 millisecond')
         WHERE runner_id = $1 AND status = 'running'`,
        [runnerId, graceMs],
      );
    },

    stepStarted({ index, leaseMs, ...holder }) {
      return whileHeld(holder, leaseMs, async (client, run): Promise<Change> => {
        await client.query(
          `UPDATE run_steps SET status = 'running', started_at = now()
           WHERE run_id = $1 AND attempt = $2 AND step_index = $3`,
          [run.id, run.attempt, index],
        );
        return recordRunChange(client, run.owner_id, run.conversation_id, run.id);
      });
    },

    stepEnded({ index, status, durationMs, error, output, leaseMs, ...holder }) {
      return whileHeld(holder, leaseMs, async (client, run): Promise<Change> => {
        await client.query(
          `UPDATE run_steps SET status = $4, duration_ms = $5, error = $6, output = $7
           WHERE run_id = $1 AND attempt = $2 AND step_index = $3`,
          [run.id, run.attempt, index, status, durationMs, error ?? null, output ?? null],
        );
        // An AI step the model resolved (or re-resolved after its replay failed) is compiled:
        // the next run of the plan replays it without a model.
        const resolution = output?.resolution;
        if (status === 'succeeded' && resolution?.compiled && resolution.source !== 'replayed') {
          await client.query(
            `INSERT INTO plan_step_resolutions (plan_id, step_index, owner_id, resolution, source, run_id)
             SELECT r.plan_id, $2, r.owner_id, $3, $4, r.id FROM runs r JOIN plans p ON p.id = r.plan_id
             WHERE r.id = $1 AND $2 < jsonb_array_length(p.steps)
             ON CONFLICT (plan_id, step_index)
             DO UPDATE SET resolution = EXCLUDED.resolution, source = EXCLUDED.source, run_id = EXCLUDED.run_id, updated_at = now()`,
            [run.id, index, resolution.compiled, resolution.source],
          );
        }
        return recordRunChange(client, run.owner_id, run.conversation_id, run.id);
      });
    },

    screenshotTaken({ index, mimeType, bytes, ...holder }) {
      return whileHeld(holder, null, async (client, run): Promise<Change | null> => {
        // Only for a step the plan has: the step row must exist before anything is stored.
        const { rowCount } = await client.query(
          'SELECT 1 FROM run_steps WHERE run_id = $1 AND attempt = $2 AND step_index = $3 FOR UPDATE',
          [run.id, run.attempt, index],
        );
        if (rowCount === 0) return null;
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO artifacts (id, owner_id, run_id, attempt, step_index, kind, mime_type, bytes)
           VALUES ($1, $2, $3, $4, $5, 'screenshot', $6, $7)
           ON CONFLICT (run_id, attempt, step_index) WHERE kind = 'screenshot'
           DO UPDATE SET mime_type = EXCLUDED.mime_type, bytes = EXCLUDED.bytes
           RETURNING id`,
          [randomUUID(), run.owner_id, run.id, run.attempt, index, mimeType, bytes],
        );
        await client.query(
          `UPDATE run_steps SET screenshot_id = $4, screenshot_bytes = $5
           WHERE run_id = $1 AND attempt = $2 AND step_index = $3`,
          [run.id, run.attempt, index, rows[0]!.id, bytes.byteLength],
        );
        return recordRunChange(client, run.owner_id, run.conversation_id, run.id);
      }).then((change) => change ?? null);
    },

    downloadTaken({ index, fileName, mimeType, bytes, ...holder }) {
      return whileHeld(holder, null, async (client, run): Promise<Change | null> => {
        const { rowCount } = await client.query('SELECT 1 FROM run_steps WHERE run_id = $1 AND attempt = $2 AND step_index = $3', [
          run.id,
          run.attempt,
          index,
        ]);
        if (rowCount === 0) return null;
        await client.query(
          `INSERT INTO artifacts (id, owner_id, run_id, attempt, step_index, kind, mime_type, bytes, file_name, event_seq)
           VALUES ($1, $2, $3, $4, $5, 'download', $6, $7, $8, $9)`,
          [randomUUID(), run.owner_id, run.id, run.attempt, index, mimeType, bytes, fileName, holder.seq],
        );
        return recordRunChange(client, run.owner_id, run.conversation_id, run.id);
      }).then((change) => change ?? null);
    },

    sessionSaved({ ttlDays, seal, ...holder }) {
      return whileHeld(holder, null, async (client, run) => {
        const { rows } = await client.query<{ name: string | null }>(
          `SELECT p.browser -> 'session' ->> 'saveAs' AS name FROM runs r JOIN plans p ON p.id = r.plan_id WHERE r.id = $1`,
          [run.id],
        );
        const name = rows[0]?.name ?? null;
        if (name === null) return { saved: null };
        const sealed = seal({ ownerId: run.owner_id, name });
        await client.query(
          `INSERT INTO browser_sessions (id, owner_id, name, state, sites, run_id, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, now() + $7::integer * interval '1 day')
           ON CONFLICT (owner_id, lower(name)) DO UPDATE
           SET name = EXCLUDED.name, state = EXCLUDED.state, sites = EXCLUDED.sites, run_id = EXCLUDED.run_id,
               saved_at = now(), expires_at = EXCLUDED.expires_at`,
          [randomUUID(), run.owner_id, name, sealed.state, sealed.sites, run.id, ttlDays],
        );
        return { saved: name };
      });
    },

    refuseClaim({ runnerId, runId, attempt, error }) {
      return transaction(pool, async (client) => {
        // Only before the runner reported anything: a run it has started is its own to end.
        const { rows } = await client.query<RunRow>(
          `SELECT id, attempt, owner_id, conversation_id FROM runs
           WHERE id = $1 AND attempt = $2 AND runner_id = $3 AND status = 'running' AND event_seq = 0 FOR UPDATE`,
          [runId, attempt, runnerId],
        );
        return rows[0] ? endAttempt(client, rows[0], 'failed', error) : null;
      });
    },

    finish({ status, error, ...holder }) {
      return whileHeld(holder, null, (client, run) => endAttempt(client, run, status, error));
    },

    async reclaim({ decide }) {
      const due = `status = 'running' AND (lease_expires_at < now() OR deadline_at < now())`;
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM runs WHERE ${due}`);
      const requeued: { runId: string; change: Change }[] = [];
      const ended: (FinishedRun & { holder: HeldRun })[] = [];
      // One transaction per run, re-checking under lock: the run may have moved on meanwhile.
      for (const { id } of rows) {
        await transaction(pool, async (client) => {
          const { rows: locked } = await client.query<RunRow & { runner_id: string; reason: LostReason }>(
            `SELECT id, attempt, owner_id, conversation_id, runner_id,
                    CASE WHEN deadline_at < now() THEN 'deadline'
                         WHEN released_at IS NOT NULL THEN 'disconnected' ELSE 'unresponsive' END AS reason
             FROM runs WHERE id = $1 AND ${due} FOR UPDATE`,
            [id],
          );
          const run = locked[0];
          if (!run) return;
          const { run: view, plan } = (await loadRuns(client, run.owner_id, [run.id])).get(run.id)!;
          const outcome = decide({ run: view, plan, reason: run.reason });
          const holder = { runId: run.id, attempt: run.attempt, runnerId: run.runner_id };
          if (outcome.status === 'queued') {
            requeued.push({ runId: run.id, change: (await endAttempt(client, run, 'queued', outcome.error)).change });
          } else {
            const error = outcome.status === 'failed' ? outcome.error : undefined;
            ended.push({ ...(await endAttempt(client, run, outcome.status, error)), holder });
          }
        });
      }
      return { requeued, ended };
    },

    async heldRun({ runId, attempt, runnerId }) {
      const { rows } = await pool.query<{ owner_id: string; conversation_id: string; plan_id: string }>(
        `SELECT owner_id, conversation_id, plan_id FROM runs
         WHERE id = $1 AND attempt = $2 AND runner_id = $3 AND status = 'running'`,
        [runId, attempt, runnerId],
      );
      const run = rows[0];
      return run ? { ownerId: run.owner_id, conversationId: run.conversation_id, planId: run.plan_id } : null;
    },

    async unsummarized(limit) {
      const { rows } = await pool.query<{ id: string; owner_id: string; conversation_id: string }>(
        `SELECT id, owner_id, conversation_id FROM runs
         WHERE NOT summarized AND status IN ('succeeded', 'failed', 'cancelled') ORDER BY ended_at LIMIT $1`,
        [limit],
      );
      const finished: FinishedRun[] = [];
      for (const row of rows) {
        const loaded = (await loadRuns(pool, row.owner_id, [row.id])).get(row.id);
        const { rows: message } = await pool.query<{ id: string; seq: string }>(
          'SELECT m.id, c.seq FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.run_id = $1',
          [row.id],
        );
        if (!loaded || !message[0]) continue;
        const change = { ownerId: row.owner_id, conversationId: row.conversation_id, seq: Number(message[0].seq), messageId: message[0].id };
        finished.push({ ...loaded, change });
      }
      return finished;
    },
  };
}
