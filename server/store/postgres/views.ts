import type {
  AttemptView,
  BrowserOptions,
  ChatMessage,
  DownloadView,
  ChatMessagePart,
  ErrorInfo,
  MessageStatus,
  PlanView,
  RunView,
  Step,
  StepOutput,
  StepState,
  Usage,
} from '../../../protocol/index.ts';
import type { StoredPart } from '../store.ts';
import { readAll, type Queryable } from './sql.ts';

// Rows -> the wire views (protocol/). A message is stored as its parts (text, reasoning, tool
// calls) with its plan and run by reference, and served as a UIMessage whose data parts carry
// the plan and the run's current state.

type PlanRow = {
  id: string;
  source: PlanView['source'];
  status: PlanView['status'];
  version: number;
  previous_version_id: string | null;
  repairs: number;
  steps: Step[];
  browser: BrowserOptions | null;
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
type AttemptRow = {
  run_id: string;
  attempt: number;
  status: AttemptView['status'];
  error: ErrorInfo | null;
  started_at: Date;
  ended_at: Date | null;
};
type StepRow = {
  run_id: string;
  attempt: number;
  step_index: number;
  status: StepState['status'];
  started_at: Date | null;
  duration_ms: number | null;
  error: ErrorInfo | null;
  output: StepOutput | null;
  screenshot_id: string | null;
  screenshot_bytes: number | null;
};
export type MessageRow = {
  id: string;
  role: ChatMessage['role'];
  parts: StoredPart[];
  status: MessageStatus;
  error: ErrorInfo | null;
  prompt_name: string | null;
  prompt_hash: string | null;
  plan_id: string | null;
  run_id: string | null;
  created_at: Date;
};

export type RunWithPlan = { run: RunView; plan: PlanView };

export async function loadRuns(db: Queryable, ownerId: string, runIds: string[]): Promise<Map<string, RunWithPlan>> {
  const views = new Map<string, RunWithPlan>();
  if (runIds.length === 0) return views;
  const runs = (await db.query<RunRow>('SELECT * FROM runs WHERE owner_id = $1 AND id = ANY($2)', [ownerId, runIds])).rows;
  // Side by side on a pool (each on its own connection): a run's view is read after every
  // change a runner reports, and one round trip after another made that the slow part.
  const [plans, { rows: attempts }, { rows: steps }, runUsage, stepUsage, downloads] = await readAll(db, [
    () => loadPlans(db, ownerId, runs.map((run) => run.plan_id)),
    () => db.query<AttemptRow>('SELECT * FROM run_attempts WHERE owner_id = $1 AND run_id = ANY($2) ORDER BY attempt', [ownerId, runIds]),
    () => db.query<StepRow>('SELECT * FROM run_steps WHERE owner_id = $1 AND run_id = ANY($2) ORDER BY attempt, step_index', [ownerId, runIds]),
    () => loadUsage(db, ownerId, 'run_id', runIds),
    () => loadUsage(db, ownerId, 'step', runIds),
    () => loadDownloads(db, ownerId, runIds),
  ]);
  for (const run of runs) {
    const plan = plans.get(run.plan_id);
    if (!plan) continue;
    const ofRun = <T extends { run_id: string }>(rows: T[]) => rows.filter((row) => row.run_id === run.id);
    views.set(run.id, { run: toRunView(run, plan, ofRun(attempts), ofRun(steps), runUsage.get(run.id), { usage: stepUsage, downloads }), plan });
  }
  return views;
}

type DownloadRow = { id: string; run_id: string; attempt: number; step_index: number; file_name: string; mime_type: string; size: number };

/** The files each step of these runs downloaded, in the order they arrived, keyed by {@link stepKey}. */
async function loadDownloads(db: Queryable, ownerId: string, runIds: string[]): Promise<Map<string, DownloadView[]>> {
  const { rows } = await db.query<DownloadRow>(
    `SELECT id, run_id, attempt, step_index, file_name, mime_type, octet_length(bytes) AS size FROM artifacts
     WHERE owner_id = $1 AND run_id = ANY($2) AND kind = 'download' ORDER BY event_seq, id`,
    [ownerId, runIds],
  );
  const byStep = new Map<string, DownloadView[]>();
  for (const row of rows) {
    const key = stepKey(row.run_id, row.attempt, row.step_index);
    const download: DownloadView = { artifactId: row.id, fileName: row.file_name, mimeType: row.mime_type, bytes: row.size };
    byStep.set(key, [...(byStep.get(key) ?? []), download]);
  }
  return byStep;
}

export async function loadPlans(db: Queryable, ownerId: string, planIds: string[]): Promise<Map<string, PlanView>> {
  if (planIds.length === 0) return new Map();
  const [{ rows }, usage] = await readAll(db, [
    () => db.query<PlanRow>('SELECT * FROM plans WHERE owner_id = $1 AND id = ANY($2)', [ownerId, planIds]),
    () => loadUsage(db, ownerId, 'plan_id', planIds),
  ]);
  return new Map(rows.map((row) => [row.id, toPlanView(row, usage.get(row.id))]));
}

function toPlanView(row: PlanRow, usage: Usage | undefined): PlanView {
  return {
    id: row.id,
    source: row.source,
    status: row.status,
    version: row.version,
    ...(row.previous_version_id && { previousVersionId: row.previous_version_id }),
    ...(row.repairs > 0 && { repairs: row.repairs }),
    steps: row.steps,
    ...(row.browser && { browser: row.browser }),
    ...(row.model && { model: row.model }),
    ...(row.prompt_name && row.prompt_hash && { prompt: { name: row.prompt_name, hash: row.prompt_hash } }),
    ...(usage && { usage }),
    createdAt: row.created_at.toISOString(),
  };
}

type UsageRow = { key: string; models: string; input_tokens: number; output_tokens: number; cost_usd: string | null; unpriced: number; calls: number };

/** How usage is grouped; `step` groups a run's calls by attempt and step, keyed by {@link stepKey}. */
const USAGE_KEYS = {
  message_id: { by: 'message_id', key: 'message_id::text' },
  plan_id: { by: 'plan_id', key: 'plan_id::text' },
  run_id: { by: 'run_id', key: 'run_id::text' },
  step: { by: 'run_id', key: "run_id || ':' || attempt || ':' || step_index" },
} as const;

const stepKey = (runId: string, attempt: number, index: number) => `${runId}:${attempt}:${index}`;

/** What the model calls behind each message, plan, run (ids) or run step (run ids) used. */
export async function loadUsage(db: Queryable, ownerId: string, grouping: keyof typeof USAGE_KEYS, ids: string[]): Promise<Map<string, Usage>> {
  if (ids.length === 0) return new Map();
  const { by, key } = USAGE_KEYS[grouping];
  const { rows } = await db.query<UsageRow>(
    `SELECT ${key} AS key, string_agg(DISTINCT model, ', ' ORDER BY model) AS models,
            sum(input_tokens)::integer AS input_tokens, sum(output_tokens)::integer AS output_tokens,
            sum(cost_usd)::text AS cost_usd, count(*) FILTER (WHERE cost_usd IS NULL)::integer AS unpriced, count(*)::integer AS calls
     FROM model_calls WHERE owner_id = $1 AND ${by} = ANY($2) AND ${key} IS NOT NULL GROUP BY 1`,
    [ownerId, ids],
  );
  return new Map(
    rows.map((row) => [
      row.key,
      {
        model: row.models,
        inputTokens: row.input_tokens,
        outputTokens: row.output_tokens,
        // A cost is only shown when every call had a price: a partial sum would mislead.
        ...(row.unpriced === 0 && row.cost_usd !== null && { costUsd: Number(row.cost_usd) }),
        calls: row.calls,
      },
    ]),
  );
}

function toRunView(
  run: RunRow,
  plan: PlanView,
  attemptRows: AttemptRow[],
  stepRows: StepRow[],
  usage: Usage | undefined,
  byStep: { usage: Map<string, Usage>; downloads: Map<string, DownloadView[]> },
): RunView {
  const stepsOf = (attempt: number) => {
    const byIndex = new Map(stepRows.filter((row) => row.attempt === attempt).map((row) => [row.step_index, row]));
    return plan.steps.map((_step, index) => {
      const key = stepKey(run.id, attempt, index);
      return toStepState(index, byIndex.get(index), byStep.usage.get(key), byStep.downloads.get(key));
    });
  };
  // A run queued again after losing its runner shows a clean slate until its next attempt
  // starts; the attempt it lost is listed with the earlier ones.
  const current = run.status === 'queued' ? undefined : run.attempt;
  return {
    id: run.id,
    conversationId: run.conversation_id,
    planId: run.plan_id,
    status: run.status,
    attempt: run.attempt,
    maxAttempts: run.max_attempts,
    steps: current === undefined ? stepsOf(-1) : stepsOf(current),
    earlierAttempts: attemptRows
      .filter((row) => row.attempt !== current)
      .map((row) => ({
        attempt: row.attempt,
        status: row.status,
        ...(row.error && { error: row.error }),
        startedAt: row.started_at.toISOString(),
        ...(row.ended_at && { endedAt: row.ended_at.toISOString() }),
        steps: stepsOf(row.attempt),
      })),
    ...(usage && { usage }),
    ...(run.error && { error: run.error }),
    createdAt: run.created_at.toISOString(),
    ...(run.started_at && { startedAt: run.started_at.toISOString() }),
    ...(run.ended_at && { endedAt: run.ended_at.toISOString() }),
  };
}

function toStepState(index: number, row: StepRow | undefined, usage: Usage | undefined, downloads: DownloadView[] | undefined): StepState {
  if (!row) return { index, status: 'pending' };
  return {
    index,
    status: row.status,
    ...(row.started_at && { startedAt: row.started_at.toISOString() }),
    ...(row.duration_ms !== null && { durationMs: row.duration_ms }),
    ...(row.error && { error: row.error }),
    ...(row.output && { output: row.output }),
    ...(row.screenshot_id && { screenshot: { artifactId: row.screenshot_id, bytes: row.screenshot_bytes ?? 0 } }),
    ...(usage && { usage }),
    ...(downloads && { downloads }),
  };
}

/** Messages as the wire shows them, each with its plan and the current state of its run, in the order given. */
export async function toChatMessages(db: Queryable, ownerId: string, rows: MessageRow[]): Promise<ChatMessage[]> {
  const runIds = rows.flatMap((row) => (row.run_id ? [row.run_id] : []));
  const [runs, plans, usage] = await readAll(db, [
    () => loadRuns(db, ownerId, runIds),
    () => loadPlans(db, ownerId, rows.flatMap((row) => (row.plan_id ? [row.plan_id] : []))),
    () => loadUsage(db, ownerId, 'message_id', rows.map((row) => row.id)),
  ]);
  return rows.map((row) => {
    const parts: ChatMessagePart[] = [...row.parts];
    const run = row.run_id ? runs.get(row.run_id) : undefined;
    // The message shows its current plan; a run shows the version it ran.
    const plan = row.plan_id ? (plans.get(row.plan_id) ?? run?.plan) : run?.plan;
    if (plan) parts.push({ type: 'data-plan', id: plan.id, data: plan });
    if (run) parts.push({ type: 'data-run', id: run.run.id, data: run.run });
    const messageUsage = usage.get(row.id);
    return {
      id: row.id,
      role: row.role,
      parts,
      metadata: {
        createdAt: row.created_at.toISOString(),
        status: row.status,
        ...(row.error && { error: row.error }),
        ...(messageUsage && { usage: messageUsage }),
        ...(row.prompt_name && row.prompt_hash && { prompt: { name: row.prompt_name, hash: row.prompt_hash } }),
      },
    };
  });
}

/** The listed messages of an owner, in thread order. */
export async function loadMessages(db: Queryable, ownerId: string, messageIds: string[]): Promise<ChatMessage[]> {
  const { rows } = await db.query<MessageRow>('SELECT * FROM messages WHERE owner_id = $1 AND id = ANY($2) ORDER BY position', [
    ownerId,
    messageIds,
  ]);
  return toChatMessages(db, ownerId, rows);
}

/**
 * Up to `limit` messages of a conversation just before `beforePosition` (default: the newest),
 * oldest first, and whether there are older ones.
 */
export async function loadMessagePage(
  db: Queryable,
  ownerId: string,
  conversationId: string,
  { limit, beforePosition }: { limit: number; beforePosition?: number },
): Promise<{ messages: ChatMessage[]; hasOlder: boolean }> {
  const { rows } = await db.query<MessageRow>(
    `SELECT * FROM messages WHERE owner_id = $1 AND conversation_id = $2 AND ($3::bigint IS NULL OR position < $3)
     ORDER BY position DESC LIMIT $4`,
    [ownerId, conversationId, beforePosition ?? null, limit + 1],
  );
  const hasOlder = rows.length > limit;
  return { messages: await toChatMessages(db, ownerId, rows.slice(0, limit).reverse()), hasOlder };
}
