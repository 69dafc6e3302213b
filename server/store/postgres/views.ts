import type { ChatMessage, ChatMessagePart, ErrorInfo, PlanView, RunView, Step, StepOutput, StepState } from '../../../protocol/index.ts';
import type { Queryable } from './sql.ts';

// Rows -> the wire views (protocol/). A message is stored flat (text, plan_id, run_id)
// and served as a UIMessage whose data parts carry the plan and the run's current state.

type PlanRow = {
  id: string;
  source: PlanView['source'];
  steps: Step[];
  model: string | null;
  prompt_name: string | null;
  prompt_hash: string | null;
  created_at: Date;
};
type RunRow = {
  id: string;
  conversation_id: string;
  plan_id: string;
  status: RunView['status'];
  attempt: number;
  max_attempts: number;
  error: ErrorInfo | null;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
};
type StepRow = {
  run_id: string;
  step_index: number;
  status: StepState['status'];
  started_at: Date | null;
  duration_ms: number | null;
  error: ErrorInfo | null;
  output: StepOutput | null;
  screenshot_id: string | null;
  screenshot_bytes: number | null;
};
type MessageRow = {
  id: string;
  role: ChatMessage['role'];
  text: string;
  plan_id: string | null;
  run_id: string | null;
  created_at: Date;
};

export type RunWithPlan = { run: RunView; plan: PlanView };

export async function loadRuns(db: Queryable, ownerId: string, runIds: string[]): Promise<Map<string, RunWithPlan>> {
  const views = new Map<string, RunWithPlan>();
  if (runIds.length === 0) return views;
  const runs = (await db.query<RunRow>('SELECT * FROM runs WHERE owner_id = $1 AND id = ANY($2)', [ownerId, runIds])).rows;
  const plans = await loadPlans(db, ownerId, runs.map((run) => run.plan_id));
  // Steps of each run's current attempt only; earlier attempts stay stored but are not shown.
  const steps = (
    await db.query<StepRow>(
      `SELECT s.* FROM run_steps s JOIN runs r ON r.id = s.run_id AND r.attempt = s.attempt
       WHERE r.owner_id = $1 AND r.id = ANY($2) ORDER BY s.step_index`,
      [ownerId, runIds],
    )
  ).rows;
  for (const run of runs) {
    const plan = plans.get(run.plan_id);
    if (!plan) continue;
    views.set(run.id, { run: toRunView(run, plan, steps.filter((step) => step.run_id === run.id)), plan });
  }
  return views;
}

async function loadPlans(db: Queryable, ownerId: string, planIds: string[]): Promise<Map<string, PlanView>> {
  if (planIds.length === 0) return new Map();
  const { rows } = await db.query<PlanRow>('SELECT * FROM plans WHERE owner_id = $1 AND id = ANY($2)', [ownerId, planIds]);
  return new Map(rows.map((row) => [row.id, toPlanView(row)]));
}

function toPlanView(row: PlanRow): PlanView {
  return {
    id: row.id,
    source: row.source,
    steps: row.steps,
    ...(row.model && { model: row.model }),
    ...(row.prompt_name && row.prompt_hash && { prompt: { name: row.prompt_name, hash: row.prompt_hash } }),
    createdAt: row.created_at.toISOString(),
  };
}

function toRunView(run: RunRow, plan: PlanView, stepRows: StepRow[]): RunView {
  // A run queued again after losing its runner shows a clean slate until its next attempt starts.
  const byIndex = new Map(run.status === 'queued' ? [] : stepRows.map((row) => [row.step_index, row]));
  return {
    id: run.id,
    conversationId: run.conversation_id,
    planId: run.plan_id,
    status: run.status,
    attempt: run.attempt,
    maxAttempts: run.max_attempts,
    steps: plan.steps.map((_step, index) => toStepState(index, byIndex.get(index))),
    ...(run.error && { error: run.error }),
    createdAt: run.created_at.toISOString(),
    ...(run.started_at && { startedAt: run.started_at.toISOString() }),
    ...(run.ended_at && { endedAt: run.ended_at.toISOString() }),
  };
}

function toStepState(index: number, row: StepRow | undefined): StepState {
  if (!row) return { index, status: 'pending' };
  return {
    index,
    status: row.status,
    ...(row.started_at && { startedAt: row.started_at.toISOString() }),
    ...(row.duration_ms !== null && { durationMs: row.duration_ms }),
    ...(row.error && { error: row.error }),
    ...(row.output && { output: row.output }),
    ...(row.screenshot_id && { screenshot: { artifactId: row.screenshot_id, bytes: row.screenshot_bytes ?? 0 } }),
  };
}

/** Messages of one conversation in order, or the listed messages. */
export async function loadMessages(
  db: Queryable,
  ownerId: string,
  filter: { conversationId: string } | { messageIds: string[] },
): Promise<ChatMessage[]> {
  const { rows } =
    'conversationId' in filter
      ? await db.query<MessageRow>(
          'SELECT * FROM messages WHERE owner_id = $1 AND conversation_id = $2 ORDER BY position',
          [ownerId, filter.conversationId],
        )
      : await db.query<MessageRow>('SELECT * FROM messages WHERE owner_id = $1 AND id = ANY($2) ORDER BY position', [
          ownerId,
          filter.messageIds,
        ]);
  const runIds = rows.flatMap((row) => (row.run_id ? [row.run_id] : []));
  const runs = await loadRuns(db, ownerId, runIds);
  const plans = await loadPlans(
    db,
    ownerId,
    rows.flatMap((row) => (row.plan_id && !row.run_id ? [row.plan_id] : [])),
  );
  return rows.map((row) => {
    const parts: ChatMessagePart[] = [];
    if (row.text) parts.push({ type: 'text', text: row.text });
    const run = row.run_id ? runs.get(row.run_id) : undefined;
    const plan = run?.plan ?? (row.plan_id ? plans.get(row.plan_id) : undefined);
    if (plan) parts.push({ type: 'data-plan', id: plan.id, data: plan });
    if (run) parts.push({ type: 'data-run', id: run.run.id, data: run.run });
    return { id: row.id, role: row.role, parts, metadata: { createdAt: row.created_at.toISOString() } };
  });
}
