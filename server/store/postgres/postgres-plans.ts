import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { BrowserOptions } from '../../../protocol/index.ts';
import type { NewPlan, PlanChange, PlanRepository } from '../store.ts';
import { countQueuedRuns, insertRun, lockConversation, recordMessageChange, transaction } from './sql.ts';
import { loadPlans } from './views.ts';

/** A plan's browser options as stored: none (the runner's defaults) is NULL, whether absent or empty. */
export function browserColumn(browser: BrowserOptions | null | undefined): string | null {
  return browser && Object.keys(browser).length > 0 ? JSON.stringify(browser) : null;
}

/** Stores a new plan of a conversation; returns its id (null if the plan it repairs is not the conversation's). */
export async function insertPlan(client: pg.PoolClient, ownerId: string, conversationId: string, plan: NewPlan): Promise<string | null> {
  const planId = randomUUID();
  const { rowCount } = await client.query(
    `INSERT INTO plans (id, owner_id, conversation_id, source, status, steps, model, prompt_name, prompt_hash,
                        version, previous_version_id, repairs, browser)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce(earlier.version + 1, 1), earlier.id, coalesce(earlier.repairs + 1, 0), $11
     FROM (SELECT 1) AS one
     LEFT JOIN plans earlier ON earlier.id = $10 AND earlier.owner_id = $2 AND earlier.conversation_id = $3
     WHERE $10::uuid IS NULL OR earlier.id IS NOT NULL`,
    [
      planId,
      ownerId,
      conversationId,
      plan.source,
      plan.status ?? 'approved',
      JSON.stringify(plan.steps),
      plan.model ?? null,
      plan.prompt?.name ?? null,
      plan.prompt?.hash ?? null,
      plan.repairOf ?? null,
      browserColumn(plan.browser),
    ],
  );
  if (rowCount === 0) return null;
  if (plan.repairOf) {
    // Steps the repair left as they were, at the same place, replay what they compiled to.
    await client.query(
      `INSERT INTO plan_step_resolutions (plan_id, step_index, owner_id, resolution, source, run_id)
       SELECT $1, r.step_index, r.owner_id, r.resolution, r.source, r.run_id
       FROM plan_step_resolutions r JOIN plans earlier ON earlier.id = r.plan_id JOIN plans repaired ON repaired.id = $1
       WHERE r.plan_id = $2 AND earlier.steps -> r.step_index = repaired.steps -> r.step_index`,
      [planId, plan.repairOf],
    );
  }
  return planId;
}

type HeldPlan = { id: string; conversation_id: string; status: string; version: number; message_id: string | null };

export function createPostgresPlans(pool: pg.Pool): PlanRepository {
  /**
   * Runs `change` on a plan with its conversation locked, if the plan is the owner's. A plan
   * that is not `proposed` is refused: only a plan waiting for the person can be edited,
   * discarded or approved.
   */
  function whileProposed<T extends PlanChange>(
    ownerId: string,
    planId: string,
    change: (client: pg.PoolClient, plan: HeldPlan & { message_id: string }) => Promise<T>,
  ): Promise<T | PlanChange | null> {
    return transaction(pool, async (client) => {
      const { rows: found } = await client.query<{ conversation_id: string }>(
        'SELECT conversation_id FROM plans WHERE id = $1 AND owner_id = $2',
        [planId, ownerId],
      );
      if (!found[0] || !(await lockConversation(client, ownerId, found[0].conversation_id))) return null;
      const { rows } = await client.query<HeldPlan>(
        `SELECT p.id, p.conversation_id, p.status, p.version,
                (SELECT m.id FROM messages m WHERE m.plan_id = p.id AND m.run_id IS NULL LIMIT 1) AS message_id
         FROM plans p WHERE p.id = $1 FOR UPDATE`,
        [planId],
      );
      const plan = rows[0]!;
      if (plan.status !== 'proposed' || !plan.message_id) {
        return { status: 'refused', plan: (await loadPlans(client, ownerId, [planId])).get(planId)! };
      }
      return change(client, { ...plan, message_id: plan.message_id });
    });
  }

  return {
    async get(ownerId, planId) {
      const plan = (await loadPlans(pool, ownerId, [planId])).get(planId);
      if (!plan) return null;
      const { rows } = await pool.query<{ conversation_id: string; message_id: string | null }>(
        `SELECT p.conversation_id, (SELECT m.id FROM messages m WHERE m.plan_id = p.id ORDER BY m.position LIMIT 1) AS message_id
         FROM plans p WHERE p.id = $1`,
        [planId],
      );
      return { ...plan, conversationId: rows[0]!.conversation_id, ...(rows[0]!.message_id && { messageId: rows[0]!.message_id }) };
    },

    attach(ownerId, messageId, plan) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ conversation_id: string }>(
          `SELECT conversation_id FROM messages WHERE id = $1 AND owner_id = $2 AND role = 'assistant' AND plan_id IS NULL`,
          [messageId, ownerId],
        );
        if (!rows[0] || !(await lockConversation(client, ownerId, rows[0].conversation_id))) return null;
        const planId = await insertPlan(client, ownerId, rows[0].conversation_id, plan);
        if (!planId) return null;
        await client.query('UPDATE messages SET plan_id = $2 WHERE id = $1', [messageId, planId]);
        const change = await recordMessageChange(client, ownerId, rows[0].conversation_id, messageId);
        return { plan: (await loadPlans(client, ownerId, [planId])).get(planId)!, change };
      });
    },

    edit(ownerId, planId, steps, browser) {
      return whileProposed(ownerId, planId, async (client, plan) => {
        const nextId = randomUUID();
        // The new version keeps the browser options unless new ones are given.
        await client.query(
          `INSERT INTO plans (id, owner_id, conversation_id, source, status, version, previous_version_id, steps, model, prompt_name, prompt_hash, browser)
           SELECT $2, owner_id, conversation_id, source, 'proposed', version + 1, id, $3, model, prompt_name, prompt_hash,
                  CASE WHEN $4::boolean THEN $5::jsonb ELSE browser END
           FROM plans WHERE id = $1`,
          [planId, nextId, JSON.stringify(steps), browser !== undefined, browserColumn(browser)],
        );
        await client.query(`UPDATE plans SET status = 'superseded' WHERE id = $1`, [planId]);
        await client.query('UPDATE messages SET plan_id = $2 WHERE id = $1', [plan.message_id, nextId]);
        const change = await recordMessageChange(client, ownerId, plan.conversation_id, plan.message_id);
        return { status: 'changed' as const, plan: (await loadPlans(client, ownerId, [nextId])).get(nextId)!, change };
      });
    },

    discard(ownerId, planId) {
      return whileProposed(ownerId, planId, async (client, plan) => {
        await client.query(`UPDATE plans SET status = 'discarded' WHERE id = $1`, [planId]);
        const change = await recordMessageChange(client, ownerId, plan.conversation_id, plan.message_id);
        return { status: 'changed' as const, plan: (await loadPlans(client, ownerId, [planId])).get(planId)!, change };
      });
    },

    approve(ownerId, planId, run) {
      return whileProposed(ownerId, planId, async (client, plan) => {
        const queued = await countQueuedRuns(client, ownerId);
        if (queued >= run.maxQueued) return { status: 'too-many-runs' as const, queued };
        await client.query(`UPDATE plans SET status = 'approved' WHERE id = $1`, [planId]);
        const runId = await insertRun(client, ownerId, plan.conversation_id, planId, run.maxAttempts);
        await client.query('UPDATE messages SET run_id = $2 WHERE id = $1', [plan.message_id, runId]);
        const change = await recordMessageChange(client, ownerId, plan.conversation_id, plan.message_id);
        return { status: 'changed' as const, plan: (await loadPlans(client, ownerId, [planId])).get(planId)!, change, runId };
      });
    },
  };
}
