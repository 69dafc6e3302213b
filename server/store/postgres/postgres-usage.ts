import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { UsageRepository } from '../store.ts';

export function createPostgresUsage(pool: pg.Pool): UsageRepository {
  return {
    async record(call) {
      await pool.query(
        `INSERT INTO model_calls (id, owner_id, conversation_id, message_id, plan_id, run_id, attempt, step_index, purpose, model,
                                  input_tokens, output_tokens, cost_usd, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          randomUUID(),
          call.ownerId,
          call.conversationId ?? null,
          call.messageId ?? null,
          call.planId ?? null,
          call.runId ?? null,
          call.attempt ?? null,
          call.stepIndex ?? null,
          call.purpose,
          call.model,
          call.inputTokens,
          call.outputTokens,
          call.costUsd ?? null,
          Math.round(call.durationMs),
        ],
      );
    },

    async tokensSince(ownerId, since) {
      const { rows } = await pool.query<{ tokens: string | null }>(
        'SELECT sum(input_tokens + output_tokens)::text AS tokens FROM model_calls WHERE owner_id = $1 AND created_at >= $2',
        [ownerId, since],
      );
      return Number(rows[0]?.tokens ?? 0);
    },

    async tokensOfRun(ownerId, runId) {
      const { rows } = await pool.query<{ tokens: string | null }>(
        'SELECT sum(input_tokens + output_tokens)::text AS tokens FROM model_calls WHERE owner_id = $1 AND run_id = $2',
        [ownerId, runId],
      );
      return Number(rows[0]?.tokens ?? 0);
    },
  };
}
