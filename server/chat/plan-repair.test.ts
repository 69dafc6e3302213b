import { randomUUID } from 'node:crypto';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStep, type ErrorInfo, type PlanView, type RunView, type Step, type StepOutput } from '../../protocol/index.ts';
import type { Models } from '../models/create-models.ts';
import { createModelPlanner } from '../planner/model-planner.ts';
import { loadPrompt, type Prompt } from '../prompts/load-prompt.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import type { Store } from '../store/store.ts';
import { fixtures, LEASE_MS } from '../store/testing/contract-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createPlanRepair } from './plan-repair.ts';

// Repairing the plan of a failed run with the planner. The planner's model is
// MockLanguageModelV4 (ai/test); runs and plans are built as the store shows them, and the
// screenshot a repair may look at is stored in real PostgreSQL.

const USAGE = {
  inputTokens: { total: 300, noCache: 300, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 40, text: 40, reasoning: undefined },
};
const CALL: Models['call'] = { maxRetries: 0, timeout: { stepMs: 5_000 }, providerOptions: { openai: { store: false } } };

/** A planner model that answers `{ reply, steps }`, as the repair prompt asks. */
const plannerAnswering = (reply: string, steps: Step[]) =>
  new MockLanguageModelV4({
    doGenerate: {
      content: [{ type: 'text', text: JSON.stringify({ reply, steps }) }],
      finishReason: { unified: 'stop', raw: undefined },
      usage: USAGE,
      warnings: [],
    },
  });

const SECRET = 'hunter22';
/** Only reads and moves around: every step may be done again. */
const READ_ONLY: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/login' },
  { type: 'fill', target: 'Password', value: SECRET },
  { type: 'click', target: 'Search', safeToRetry: true },
  { type: 'extract', target: 'Results' },
];
const FAILED_AT = 2;
const NOT_FOUND: ErrorInfo = { code: 'target-not-found', message: 'No element matches "Search".' };
const PAGE: StepOutput = {
  url: 'http://127.0.0.1:9/search',
  snapshot: `- textbox "Password": ${SECRET}\n- button "Find"`,
};
const REPLACEMENT: Step[] = [
  { type: 'click', target: 'Find', safeToRetry: true },
  { type: 'extract', target: 'Results' },
];

function planOf(steps: Step[], extra: Partial<PlanView> = {}): PlanView {
  return { id: randomUUID(), source: 'model', status: 'approved', version: 1, steps, createdAt: new Date().toISOString(), ...extra };
}

/** A run of `plan` that ended `status`, its step `index` having failed with `error`. */
function runOf(plan: PlanView, options: { status?: RunView['status']; index?: number; error?: ErrorInfo; output?: StepOutput } = {}): RunView {
  const { status = 'failed', index = FAILED_AT, error = NOT_FOUND, output = PAGE } = options;
  return {
    id: randomUUID(),
    conversationId: randomUUID(),
    planId: plan.id,
    status,
    attempt: 1,
    maxAttempts: 1,
    steps: plan.steps.map((_step, at) =>
      at < index ? { index: at, status: 'succeeded' } : at === index ? { index: at, status: 'failed', error, output } : { index: at, status: 'skipped' },
    ),
    earlierAttempts: [],
    ...(status === 'failed' && { error }),
    createdAt: new Date().toISOString(),
  };
}

describe('plan repair', () => {
  let database: TestDatabase;
  let store: Store;
  let prompt: Prompt;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    prompt = await loadPrompt('repair');
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  function repairWith(model: MockLanguageModelV4, options: { maxAttempts?: number; images?: boolean } = {}) {
    const planner = createModelPlanner({ handle: { model, name: 'mock-planner' }, prompt, call: CALL });
    return createPlanRepair({ store, planner, maxAttempts: options.maxAttempts ?? 2, images: options.images ?? false });
  }

  describe('canRepair', () => {
    const repair = () => repairWith(new MockLanguageModelV4());

    it('allows a read-only plan that failed because an element was not found', () => {
      const plan = planOf(READ_ONLY);
      expect(repair().canRepair(runOf(plan), plan)).toBe(true);
      // One repair along is still within a bound of two.
      const repaired = planOf(READ_ONLY, { repairs: 1 });
      expect(repair().canRepair(runOf(repaired), repaired)).toBe(true);
    });

    it('refuses a run that did not fail', () => {
      const plan = planOf(READ_ONLY);
      const succeeded = { ...runOf(plan), status: 'succeeded' as const, error: undefined, steps: plan.steps.map((_step, index) => ({ index, status: 'succeeded' as const })) };
      expect(repair().canRepair(succeeded, plan)).toBe(false);
      // Cancelled while a step had failed to find its element: the person stopped it, nothing to repair.
      expect(repair().canRepair(runOf(plan, { status: 'cancelled' }), plan)).toBe(false);
    });

    it.each<ErrorInfo['code']>(['runner-lost', 'budget-exceeded', 'cancelled'])('refuses a failure that is not the plan’s fault: %s', (code) => {
      const plan = planOf(READ_ONLY);
      expect(repair().canRepair(runOf(plan, { error: { code, message: 'It stopped.' } }), plan)).toBe(false);
    });

    it.each<[string, Step]>([
      ['a step marked unsafe to retry', { type: 'goto', url: 'http://127.0.0.1:9/', safeToRetry: false }],
      ['an unmarked click', { type: 'click', target: 'Delete account' }],
      ['an unmarked key press', { type: 'press', key: 'Enter' }],
    ])('refuses a plan with %s, which may change data', (_name, unsafe) => {
      const plan = planOf([...READ_ONLY, unsafe]);
      expect(repair().canRepair(runOf(plan), plan)).toBe(false);
    });

    it('refuses a plan repaired as often as allowed, and any plan when repair is off', async () => {
      const repaired = planOf(READ_ONLY, { repairs: 2 });
      expect(repair().canRepair(runOf(repaired), repaired)).toBe(false);
      const plan = planOf(READ_ONLY);
      expect(repairWith(new MockLanguageModelV4(), { maxAttempts: 0 }).canRepair(runOf(plan), plan)).toBe(false);

      // propose does not ask the model about a plan it may not repair.
      const model = plannerAnswering('never asked', REPLACEMENT);
      expect(await repairWith(model).propose({ ownerId: randomUUID(), run: runOf(repaired), plan: repaired })).toBeNull();
      expect(model.doGenerateCalls).toHaveLength(0);
    });
  });

  describe('propose', () => {
    it('keeps the steps before the failed one and puts the planner’s steps in its place', async () => {
      const model = plannerAnswering('The button is now called Find, so step 3 clicks Find.', REPLACEMENT);
      const plan = planOf(READ_ONLY, { repairs: 1 });
      const result = await repairWith(model).propose({ ownerId: randomUUID(), run: runOf(plan), plan });

      expect(result?.repair?.steps).toEqual([...READ_ONLY.slice(0, FAILED_AT), ...REPLACEMENT]);
      expect(result?.repair).toMatchObject({ model: 'mock-planner', prompt: { name: 'repair', hash: prompt.hash } });
      expect(result?.call).toMatchObject({ model: 'mock-planner', usage: { inputTokens: 300, outputTokens: 40 } });
      const explanation = result!.repair!.explanation;
      expect(explanation).toContain(`Step 3 (${describeStep(READ_ONLY[FAILED_AT]!)}) failed: ${NOT_FOUND.message}`);
      expect(explanation).toContain('The button is now called Find, so step 3 clicks Find.');
      expect(explanation).toContain('repair 2 of at most 2');
    });

    it('shows the planner the failure and the page, with the secrets the plan types hidden', async () => {
      const model = plannerAnswering('Clicks Find instead.', REPLACEMENT);
      const plan = planOf(READ_ONLY);
      await repairWith(model).propose({ ownerId: randomUUID(), run: runOf(plan), plan });

      const [system, user, ...rest] = model.doGenerateCalls[0]!.prompt;
      expect(system).toEqual({ role: 'system', content: prompt.text });
      expect(rest).toEqual([]);
      const asked = JSON.stringify(user);
      expect(asked).toContain(JSON.stringify(NOT_FOUND.message).slice(1, -1));
      expect(asked).toContain(PAGE.url);
      expect(asked).toContain('button \\"Find\\"');
      // The password is in the plan's fill step and on the page: both are hidden.
      expect(asked).not.toContain(SECRET);
      expect(asked).toContain('- textbox \\"Password\\": [secret]');
      expect(asked).toContain('\\"value\\":\\"[secret]\\"');
      // Without images, no picture is sent.
      expect(asked).not.toContain('"type":"file"');
    });

    it('gives back only the call when the planner writes no steps', async () => {
      const model = plannerAnswering('The site shows an error page; this cannot be repaired.', []);
      const plan = planOf(READ_ONLY);
      const result = await repairWith(model).propose({ ownerId: randomUUID(), run: runOf(plan), plan });
      expect(result).not.toBeNull();
      expect(result!.repair).toBeUndefined();
      expect(result!.call).toMatchObject({ model: 'mock-planner', usage: { inputTokens: 300, outputTokens: 40 } });
    });

    it('does not take a repair that adds a step which may change data', async () => {
      const model = plannerAnswering('Clicks Find.', [{ type: 'click', target: 'Find' }]);
      const plan = planOf(READ_ONLY);
      const result = await repairWith(model).propose({ ownerId: randomUUID(), run: runOf(plan), plan });
      expect(model.doGenerateCalls).toHaveLength(1);
      expect(result?.repair).toBeUndefined();
      expect(result?.call.model).toBe('mock-planner');
    });

    it('shows the planner the failed step’s screenshot when it reads images', async () => {
      // A failed run as the store keeps it, its screenshot stored through the run queue.
      const ownerId = (await store.users.ensure('repair-images')).id;
      const helpers = fixtures(store);
      const { runId } = await helpers.queueRun(ownerId, { steps: READ_ONLY, maxAttempts: 1 });
      const { events } = await helpers.claim(runId);
      const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
      await store.queue.stepStarted({ ...events.next(), index: FAILED_AT, leaseMs: LEASE_MS });
      await store.queue.screenshotTaken({ ...events.next(), index: FAILED_AT, mimeType: 'image/jpeg', bytes: jpeg });
      await store.queue.stepEnded({ ...events.next(), index: FAILED_AT, status: 'failed', durationMs: 10, error: NOT_FOUND, output: PAGE, leaseMs: LEASE_MS });
      const finished = await store.queue.finish({ ...events.next(), status: 'failed', error: NOT_FOUND });
      const { run, plan } = finished!;
      expect(run.steps[FAILED_AT]?.screenshot?.artifactId).toBeDefined();

      const seeing = plannerAnswering('Clicks Find.', REPLACEMENT);
      expect((await repairWith(seeing, { images: true }).propose({ ownerId, run, plan }))?.repair).toBeDefined();
      const content = seeing.doGenerateCalls[0]!.prompt[1]!.content as { type: string; mediaType?: string; data?: unknown }[];
      expect(content.map((part) => part.type)).toEqual(['text', 'file']);
      expect(content[1]).toMatchObject({ mediaType: 'image/jpeg' });
      expect(Buffer.from((content[1]!.data as { data: Uint8Array }).data)).toEqual(Buffer.from(jpeg));

      // A planner that reads no images gets the text alone.
      const blind = plannerAnswering('Clicks Find.', REPLACEMENT);
      await repairWith(blind, { images: false }).propose({ ownerId, run, plan });
      expect((blind.doGenerateCalls[0]!.prompt[1]!.content as { type: string }[]).map((part) => part.type)).toEqual(['text']);
    });
  });
});
