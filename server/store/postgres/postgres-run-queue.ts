import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ErrorInfo, Step } from '../../../protocol/index.ts';
import type { Change, FinishedRun, Holder, RunQueue } from '../store.ts';
import { recordRunChange, transaction } from './sql.ts';
import { loadRuns } from './views.ts';

type HeldRun = { owner_id: string; conversation_id: string };

export function createPostgresRunQueue({ pool }: { pool: pg.Pool }): RunQueue {
  /**
   * Runs `work` only while `holder` still holds the run (same runner, same attempt, still
   * running), renewing the lease if asked; otherwise does nothing and returns null. This is
   * the fence that makes a late event from a replaced or cancelled attempt harmless.
   */
  function whileHeld<T>(
    holder: Holder,
    leaseMs: number | null,
    work: (client: pg.PoolClient, run: HeldRun) => Promise<T>,
  ): Promise<T | null> {
    return transaction(pool, async (client) => {
      const { rows } = await client.query<HeldRun>(
        `UPDATE runs SET lease_expires_at = CASE WHEN $4::integer IS NULL THEN lease_expires_at
                                                 ELSE now() + $4::integer * interval '1 millisecond' END
         WHERE id = $1 AND attempt = $2 AND runner_id = $3 AND status = 'running'
         RETURNING owner_id, conversation_id`,
        [holder.runId, holder.attempt, holder.runnerId, leaseMs],
      );
      return rows[0] ? work(client, rows[0]) : null;
    });
  }

  async function endRun(
    client: pg.PoolClient,
    run: HeldRun & { id: string; attempt: number },
    status: 'succeeded' | 'failed' | 'cancelled' | 'queued',
    error: ErrorInfo | undefined,
  ): Promise<FinishedRun> {
    const final = status !== 'queued';
    await client.query(
      `UPDATE runs SET status = $2, error = $3, runner_id = NULL, lease_expires_at = NULL,
         ended_at = CASE WHEN $4 THEN now() END
       WHERE id = $1`,
      [run.id, status, final ? (error ?? null) : null, final],
    );
    // A step cut off mid-way failed with the run's error; steps never reached were skipped.
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
    claimNext({ runnerId, leaseMs }) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<HeldRun & { id: string; attempt: number; steps: Step[] }>(
          `WITH next AS (
             SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
           )
           UPDATE runs r SET status = 'running', attempt = r.attempt + 1, runner_id = $1,
             lease_expires_at = now() + $2::integer * interval '1 millisecond', started_at = coalesce(r.started_at, now())
           FROM next, plans p WHERE r.id = next.id AND p.id = r.plan_id
           RETURNING r.id, r.attempt, r.owner_id, r.conversation_id, p.steps`,
          [runnerId, leaseMs],
        );
        const run = rows[0];
        if (!run) return null;
        await client.query(
          `INSERT INTO run_steps (run_id, attempt, step_index, owner_id, status)
           SELECT $1, $2, index, $3, 'pending' FROM generate_series(0, $4::integer - 1) AS index`,
          [run.id, run.attempt, run.owner_id, run.steps.length],
        );
        const change = await recordRunChange(client, run.owner_id, run.conversation_id, run.id);
        return { runId: run.id, attempt: run.attempt, steps: run.steps, change };
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

    stepStarted({ index, leaseMs, ...holder }) {
      return whileHeld(holder, leaseMs, async (client, run): Promise<Change> => {
        await client.query(
          `UPDATE run_steps SET status = 'running', started_at = now()
           WHERE run_id = $1 AND attempt = $2 AND step_index = $3`,
          [holder.runId, holder.attempt, index],
        );
        return recordRunChange(client, run.owner_id, run.conversation_id, holder.runId);
      });
    },

    stepEnded({ index, status, durationMs, error, output, leaseMs, ...holder }) {
      return whileHeld(holder, leaseMs, async (client, run): Promise<Change> => {
        await client.query(
          `UPDATE run_steps SET status = $4, duration_ms = $5, error = $6, output = $7
           WHERE run_id = $1 AND attempt = $2 AND step_index = $3`,
          [holder.runId, holder.attempt, index, status, durationMs, error ?? null, output ?? null],
        );
        return recordRunChange(client, run.owner_id, run.conversation_id, holder.runId);
      });
    },

    screenshotTaken({ index, mimeType, bytes, ...holder }) {
      return whileHeld(holder, null, async (client, run): Promise<Change> => {
        const id = randomUUID();
        await client.query(
          `INSERT INTO artifacts (id, owner_id, run_id, attempt, step_index, kind, mime_type, bytes)
           VALUES ($1, $2, $3, $4, $5, 'screenshot', $6, $7)`,
          [id, run.owner_id, holder.runId, holder.attempt, index, mimeType, bytes],
        );
        await client.query(
          `UPDATE run_steps SET screenshot_id = $4, screenshot_bytes = $5
           WHERE run_id = $1 AND attempt = $2 AND step_index = $3`,
          [holder.runId, holder.attempt, index, id, bytes.byteLength],
        );
        return recordRunChange(client, run.owner_id, run.conversation_id, holder.runId);
      });
    },

    finish({ status, error, ...holder }) {
      return whileHeld(holder, null, (client, run) =>
        endRun(client, { ...run, id: holder.runId, attempt: holder.attempt }, status, error),
      );
    },

    async reclaim({ runnerId, error }) {
      const { rows } = await pool.query<{ id: string }>(
        runnerId
          ? `SELECT id FROM runs WHERE status = 'running' AND runner_id = $1`
          : `SELECT id FROM runs WHERE status = 'running' AND lease_expires_at < now()`,
        runnerId ? [runnerId] : [],
      );
      const requeued: Change[] = [];
      const failed: FinishedRun[] = [];
      // One transaction per run, re-checking under lock: the run may have moved on meanwhile.
      for (const { id } of rows) {
        await transaction(pool, async (client) => {
          const { rows: locked } = await client.query<HeldRun & { id: string; attempt: number; max_attempts: number }>(
            `SELECT id, attempt, max_attempts, owner_id, conversation_id FROM runs
             WHERE id = $1 AND status = 'running' AND ${runnerId ? 'runner_id = $2' : 'lease_expires_at < now()'}
             FOR UPDATE`,
            runnerId ? [id, runnerId] : [id],
          );
          const run = locked[0];
          if (!run) return;
          if (run.attempt < run.max_attempts) {
            requeued.push((await endRun(client, run, 'queued', error)).change);
          } else {
            const message = `${error.message} It was attempt ${run.attempt} of ${run.max_attempts}, so the run has failed.`;
            failed.push(await endRun(client, run, 'failed', { code: error.code, message }));
          }
        });
      }
      return { requeued, failed };
    },
  };
}
