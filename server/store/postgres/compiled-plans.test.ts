import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, PlanView, Step, StepOutput, StepResolution } from '../../../protocol/index.ts';
import type { NewPlan, Store } from '../store.ts';
import { appended, fixtures, LEASE_MS } from '../testing/contract-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { openPostgresStore } from './open-postgres-store.ts';

// Compiled plans (ARCHITECTURE D12) in PostgreSQL: what an AI step resolved to is kept with
// the plan step, handed to the next run of the plan, healed, and carried into a repaired plan
// for the steps the repair left alone.

const STEPS: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/login' },
  { type: 'act', instruction: 'click the sign-in button' },
  { type: 'extract', instruction: 'the greeting' },
];
const CLICK: StepResolution = { kind: 'actions', actions: [{ selector: 'xpath=/html/body/button', method: 'click', arguments: [] }] };
const HEALED_CLICK: StepResolution = { kind: 'actions', actions: [{ selector: 'xpath=/html/body/form/button', method: 'click', arguments: [] }] };
const GREETING: StepResolution = { kind: 'extraction', rule: { kind: 'value', selector: '#greeting' } };
const RUN = { maxAttempts: 1, maxQueued: 1_000 };

const resolved = (source: 'model' | 'replayed' | 'healed', compiled: StepResolution): StepOutput => ({ resolution: { source, compiled } });

function planPart(message: ChatMessage): PlanView {
  const part = message.parts.find((candidate) => candidate.type === 'data-plan');
  if (!part) throw new Error('message has no plan');
  return part.data;
}

describe('compiled plans in postgres', () => {
  let database: TestDatabase;
  let store: Store;
  let helpers: ReturnType<typeof fixtures>;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    helpers = fixtures(store);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** A new plan in a new conversation (or in `conversationId`), with a run of it queued. */
  async function queuePlan(ownerId: string, plan: NewPlan = { source: 'api', steps: STEPS }, conversationId?: string) {
    const conversation = conversationId ?? (await store.conversations.create(ownerId, {})).id;
    const result = appended(await store.messages.appendAssistant(ownerId, conversation, { parts: [], plan, run: RUN }));
    return { conversationId: conversation, plan: planPart(result.message), runId: result.runId! };
  }

  /** Another run of an existing plan, claimed: what it is handed. */
  async function claimAgain(ownerId: string, conversationId: string, planId: string) {
    const result = appended(await store.messages.appendAssistant(ownerId, conversationId, { parts: [], plan: { id: planId }, run: RUN }));
    return helpers.claim(result.runId!);
  }

  /** Claims `runId` and ends its steps as given, in order. */
  async function runSteps(runId: string, ends: { index: number; status?: 'succeeded' | 'failed'; output?: StepOutput }[]) {
    const claimed = await helpers.claim(runId);
    for (const { index, status = 'succeeded', output } of ends) {
      const change = await store.queue.stepEnded({
        ...claimed.events.next(),
        index,
        status,
        durationMs: 10,
        ...(status === 'failed' && { error: { code: 'target-not-found', message: 'Nothing to click.' } }),
        ...(output && { output }),
        leaseMs: LEASE_MS,
      });
      expect(change).not.toBeNull();
    }
    return claimed;
  }

  it('keeps what the model resolved a step to, and hands it to the next run of the same plan only', async () => {
    const owner = await helpers.newOwner();
    const { conversationId, plan, runId } = await queuePlan(owner);
    const first = await runSteps(runId, [{ index: 0 }, { index: 1, output: resolved('model', CLICK) }]);
    expect(first.compiled).toEqual([]);

    expect((await claimAgain(owner, conversationId, plan.id)).compiled).toEqual([{ index: 1, resolution: CLICK }]);
    // A plan with the same steps is another plan: it compiles on its own.
    const other = await queuePlan(owner);
    expect((await helpers.claim(other.runId)).compiled).toEqual([]);
  });

  it('keeps nothing new from a replay, and replaces the old form with a healed one', async () => {
    const owner = await helpers.newOwner();
    const { conversationId, plan, runId } = await queuePlan(owner);
    await runSteps(runId, [{ index: 1, output: resolved('model', CLICK) }]);

    const replay = await claimAgain(owner, conversationId, plan.id);
    const replayed = resolved('replayed', HEALED_CLICK);
    expect(await store.queue.stepEnded({ ...replay.events.next(), index: 1, status: 'succeeded', durationMs: 5, output: replayed, leaseMs: LEASE_MS })).not.toBeNull();
    const healing = await claimAgain(owner, conversationId, plan.id);
    expect(healing.compiled).toEqual([{ index: 1, resolution: CLICK }]);

    const healed = resolved('healed', HEALED_CLICK);
    expect(await store.queue.stepEnded({ ...healing.events.next(), index: 1, status: 'succeeded', durationMs: 5, output: healed, leaseMs: LEASE_MS })).not.toBeNull();
    expect((await claimAgain(owner, conversationId, plan.id)).compiled).toEqual([{ index: 1, resolution: HEALED_CLICK }]);
  });

  it('keeps nothing from a step that failed', async () => {
    const owner = await helpers.newOwner();
    const { conversationId, plan, runId } = await queuePlan(owner);
    await runSteps(runId, [{ index: 1, status: 'failed', output: resolved('model', CLICK) }]);
    expect((await claimAgain(owner, conversationId, plan.id)).compiled).toEqual([]);
  });

  it('keeps nothing from a runner, or an attempt, that does not hold the run', async () => {
    const owner = await helpers.newOwner();
    const { conversationId, plan, runId } = await queuePlan(owner);
    const { ref } = await helpers.claim(runId);
    const end = { index: 1, status: 'succeeded' as const, durationMs: 5, output: resolved('model', CLICK), leaseMs: LEASE_MS };
    expect(await store.queue.stepEnded({ ...ref, runnerId: randomUUID(), seq: 1, ...end })).toBeNull();
    expect(await store.queue.stepEnded({ ...ref, attempt: ref.attempt + 1, seq: 1, ...end })).toBeNull();
    await store.queue.finish({ ...ref, seq: 1, status: 'failed' });
    // Once the run has ended, even its own runner's late event counts for nothing.
    expect(await store.queue.stepEnded({ ...ref, seq: 2, ...end })).toBeNull();
    expect((await claimAgain(owner, conversationId, plan.id)).compiled).toEqual([]);
  });

  it('tells whose run a runner holds, and nothing to a runner or attempt that does not hold it', async () => {
    const owner = await helpers.newOwner();
    const { conversationId, plan, runId } = await queuePlan(owner);
    const { ref } = await helpers.claim(runId);
    expect(await store.queue.heldRun(ref)).toEqual({ ownerId: owner, conversationId, planId: plan.id });
    expect(await store.queue.heldRun({ ...ref, runnerId: randomUUID() })).toBeNull();
    expect(await store.queue.heldRun({ ...ref, attempt: ref.attempt + 1 })).toBeNull();
    await store.queue.finish({ ...ref, seq: 1, status: 'succeeded' });
    expect(await store.queue.heldRun(ref)).toBeNull();
  });

  it('makes a repaired plan the next version, one repair along, keeping what unchanged steps compiled to', async () => {
    const owner = await helpers.newOwner();
    const { conversationId, plan, runId } = await queuePlan(owner);
    expect(plan).toMatchObject({ version: 1 });
    expect(plan.repairs).toBeUndefined();
    await runSteps(runId, [
      { index: 0 },
      { index: 1, output: resolved('model', CLICK) },
      { index: 2, output: resolved('model', GREETING) },
    ]);

    // Step 1 is the same at the same place; step 2 asks for something else.
    const changed: Step[] = [STEPS[0]!, STEPS[1]!, { type: 'extract', instruction: 'the welcome banner' }];
    const repaired = await queuePlan(owner, { source: 'model', steps: changed, model: 'mock-planner', repairOf: plan.id }, conversationId);
    expect(repaired.plan).toMatchObject({ version: 2, previousVersionId: plan.id, repairs: 1, steps: changed });
    expect((await store.plans.get(owner, repaired.plan.id))?.repairs).toBe(1);
    expect((await helpers.claim(repaired.runId)).compiled).toEqual([{ index: 1, resolution: CLICK }]);

    // A repair of the repair that moves the step keeps nothing: a step is matched by its place.
    const moved: Step[] = [STEPS[0]!, { type: 'wait', ms: 500 }, STEPS[1]!];
    const again = await queuePlan(owner, { source: 'model', steps: moved, repairOf: repaired.plan.id }, conversationId);
    expect(again.plan).toMatchObject({ version: 3, previousVersionId: repaired.plan.id, repairs: 2 });
    expect((await helpers.claim(again.runId)).compiled).toEqual([]);
  });

  it('refuses to repair a plan of another conversation', async () => {
    const owner = await helpers.newOwner();
    const { plan } = await queuePlan(owner);
    const elsewhere = await store.conversations.create(owner, {});
    const result = await store.messages.appendAssistant(owner, elsewhere.id, {
      parts: [],
      plan: { source: 'model', steps: STEPS, repairOf: plan.id },
      run: RUN,
    });
    expect(result).toBeNull();
    // Nothing was written there: no message, no plan, no run.
    expect((await store.conversations.snapshot(owner, elsewhere.id, { limit: 10 }))?.messages).toEqual([]);
    expect(await store.runs.list(owner, elsewhere.id, 10)).toEqual([]);
  });
});
