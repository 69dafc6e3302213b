import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../server/store/postgres/open-postgres-store.ts';
import { textParts, type NewSchedule, type Store } from '../server/store/store.ts';
import { createTestDatabase, type TestDatabase } from '../server/store/testing/test-database.ts';

// The schedules repository of the store port, on a real PostgreSQL. Written against the port
// only (store.schedules, store.messages, store.queue), so it can run against any adapter.

describe('the schedules repository (postgres)', () => {
  let database: TestDatabase;
  let store: Store;
  let db: pg.Client;
  let owner: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    db = new pg.Client(database.url);
    await db.connect();
    owner = (await store.users.ensure('owner')).id;
  });
  afterAll(async () => {
    await db?.end();
    await store?.close();
    await database?.drop();
  });

  /** A conversation with an approved plan of one step, as a scheduled prompt leaves it. */
  async function planned(ownerId = owner): Promise<{ conversationId: string; planId: string }> {
    const conversation = await store.conversations.create(ownerId, { title: 'scheduled' });
    const appended = await store.messages.appendAssistant(ownerId, conversation.id, { parts: textParts('the plan'), plan: { source: 'api', steps: [{ type: 'goto', url: 'http://127.0.0.1:9/a' }] } });
    if (appended?.status !== 'appended') throw new Error('no plan');
    return { conversationId: conversation.id, planId: appended.message.parts.find((part) => part.type === 'data-plan')!.id! };
  }

  async function schedule(extra: Partial<NewSchedule> = {}, ownerId = owner) {
    const target = await planned(ownerId);
    const result = await store.schedules.create(ownerId, { name: 'Ping', when: 'every 1 hour', spec: { kind: 'interval', everyMs: 3_600_000 }, ...target, ...extra }, { maxPerOwner: 1_000 });
    if (result?.status !== 'created') throw new Error('not created');
    return result.schedule;
  }

  /** Fires the schedule's plan as the plan service does: a run in a new message. */
  async function runOf(conversationId: string, planId: string): Promise<string> {
    const result = await store.messages.appendAssistant(owner, conversationId, { parts: textParts('again'), plan: { id: planId }, run: { maxAttempts: 1, maxQueued: 1_000 } });
    if (result?.status !== 'appended' || !result.runId) throw new Error('no run');
    return result.runId;
  }

  it('caps schedules per owner under a lock: of concurrent creates past the cap, none passes', async () => {
    const capped = (await store.users.ensure(`capped-${randomUUID()}`)).id;
    const targets = await Promise.all(Array.from({ length: 6 }, () => planned(capped)));
    const results = await Promise.all(
      targets.map((target) => store.schedules.create(capped, { name: 'n', when: 'hourly', spec: { kind: 'interval', everyMs: 3_600_000 }, ...target }, { maxPerOwner: 4 })),
    );
    expect(results.filter((result) => result?.status === 'created')).toHaveLength(4);
    expect(results.filter((result) => result?.status === 'too-many')).toEqual([{ status: 'too-many', count: 4 }, { status: 'too-many', count: 4 }]);
    expect(await store.schedules.count(capped)).toBe(4);
  });

  it('refuses a plan that is not the owner\'s, or not in the conversation', async () => {
    const mine = await planned();
    const theirs = await planned((await store.users.ensure(`other-${randomUUID()}`)).id);
    const spec = { kind: 'interval', everyMs: 60_000 } as const;
    expect(await store.schedules.create(owner, { name: 'x', when: 'x', spec, conversationId: mine.conversationId, planId: theirs.planId }, { maxPerOwner: 100 })).toBeNull();
    expect(await store.schedules.create(owner, { name: 'x', when: 'x', spec, conversationId: theirs.conversationId, planId: theirs.planId }, { maxPerOwner: 100 })).toBeNull();
  });

  it('reads history and the last run from the runs themselves, with their last screenshot', async () => {
    const view = await schedule();
    expect(view).toMatchObject({ status: 'active', nextRunAt: null, name: 'Ping' });
    expect(view.lastRun).toBeUndefined();
    const due = new Date('2026-01-01T09:00:00Z');
    const claim = await store.schedules.claimFire(owner, view.id, { trigger: 'schedule', dueAt: due });
    if (claim.status !== 'claimed') throw new Error('not claimed');
    const runId = await runOf(view.conversationId, view.planId);
    await store.schedules.fired(owner, claim.fireId, runId);
    expect(await store.schedules.history(owner, view.id, 10)).toMatchObject([{ runId, trigger: 'schedule', dueAt: due.toISOString(), status: 'queued' }]);
    // The run ends: the history shows it, with no copy to update.
    await store.runs.cancel(owner, runId);
    const [fire] = (await store.schedules.history(owner, view.id, 10))!;
    expect(fire).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(fire!.endedAt).toBeDefined();
    expect((await store.schedules.get(owner, view.id))!.lastRun).toEqual(fire);
    // The same due time again is a duplicate; a manual fire never is; a schedule not the owner's is gone.
    expect(await store.schedules.claimFire(owner, view.id, { trigger: 'schedule', dueAt: due })).toEqual({ status: 'duplicate' });
    expect(await store.schedules.claimFire(owner, view.id, { trigger: 'missed', dueAt: due })).toEqual({ status: 'duplicate' });
    const manual = [await store.schedules.claimFire(owner, view.id, { trigger: 'manual', dueAt: due }), await store.schedules.claimFire(owner, view.id, { trigger: 'manual', dueAt: due })];
    expect(manual.map((result) => result.status)).toEqual(['claimed', 'claimed']);
    // Claimed fires without a run are not history, and are forgotten when abandoned.
    expect(await store.schedules.history(owner, view.id, 10)).toHaveLength(1);
    for (const result of manual) if (result.status === 'claimed') await store.schedules.abandonFire(owner, result.fireId);
    const other = (await store.users.ensure(`stranger-${randomUUID()}`)).id;
    expect(await store.schedules.claimFire(other, view.id, { trigger: 'manual', dueAt: due })).toEqual({ status: 'gone' });
    expect(await store.schedules.history(other, view.id, 10)).toBeNull();
  });

  it('edits, keeps or removes the webhook, and finds schedules by the start of their id', async () => {
    const sealed = Uint8Array.from([1, 2, 3]);
    const view = await schedule({ webhook: { url: 'http://127.0.0.1:9/hook', sealedSecret: sealed } });
    expect(view.webhookUrl).toBe('http://127.0.0.1:9/hook');
    expect(await store.schedules.webhook(owner, view.id)).toEqual({ url: 'http://127.0.0.1:9/hook', sealedSecret: Buffer.from(sealed) });
    const edited = await store.schedules.update(owner, view.id, { name: 'Renamed', status: 'paused', when: 'daily', spec: { kind: 'cron', cron: '0 9 * * *', timezone: 'UTC' } });
    expect(edited).toMatchObject({ name: 'Renamed', status: 'paused', when: 'daily', webhookUrl: 'http://127.0.0.1:9/hook' });
    expect((await store.schedules.update(owner, view.id, { webhook: null }))!.webhookUrl).toBeUndefined();
    expect(await store.schedules.webhook(owner, view.id)).toBeNull();
    expect(await store.schedules.idsStartingWith(owner, view.id.slice(0, 8).toUpperCase(), 5)).toEqual([view.id]);
    expect(await store.schedules.idsStartingWith(owner, 'not hex', 5)).toEqual([]);
    expect(await store.schedules.update(randomUUID(), view.id, { name: 'x' })).toBeNull();
  });

  it('claims a webhook delivery once, only for an ended run started after the webhook was set', async () => {
    const view = await schedule({ webhook: { url: 'http://127.0.0.1:9/hook', sealedSecret: Uint8Array.from([7]) } });
    const claim = await store.schedules.claimFire(owner, view.id, { trigger: 'manual', dueAt: new Date() });
    if (claim.status !== 'claimed') throw new Error('not claimed');
    const runId = await runOf(view.conversationId, view.planId);
    await store.schedules.fired(owner, claim.fireId, runId);
    // Not ended yet: nothing to send.
    expect(await store.schedules.claimWebhook(owner, runId)).toBeNull();
    await store.runs.cancel(owner, runId);
    expect(await store.schedules.unsentWebhooks(new Date(Date.now() - 60_000), 10)).toContainEqual({ ownerId: owner, runId });
    const claims = await Promise.all([1, 2, 3].map(() => store.schedules.claimWebhook(owner, runId)));
    const won = claims.filter((delivery) => delivery !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ scheduleId: view.id, scheduleName: 'Ping', conversationId: view.conversationId, run: { runId, status: 'cancelled' }, outputs: [] });
    expect(await store.schedules.unsentWebhooks(new Date(Date.now() - 60_000), 10)).not.toContainEqual({ ownerId: owner, runId });
    await store.schedules.webhookSent(owner, runId, 'delivered');
    const { rows } = await db.query('SELECT webhook_status FROM schedule_runs WHERE run_id = $1', [runId]);
    expect(rows).toEqual([{ webhook_status: 'delivered' }]);
  });

  it('deletes its history with it, leaves its runs, and goes with its conversation', async () => {
    const view = await schedule();
    const claim = await store.schedules.claimFire(owner, view.id, { trigger: 'manual', dueAt: new Date() });
    const runId = await runOf(view.conversationId, view.planId);
    if (claim.status === 'claimed') await store.schedules.fired(owner, claim.fireId, runId);
    expect(await store.schedules.delete(randomUUID(), view.id)).toBe(false);
    expect(await store.schedules.delete(owner, view.id)).toBe(true);
    expect((await db.query('SELECT 1 FROM schedule_runs WHERE schedule_id = $1', [view.id])).rows).toEqual([]);
    expect(await store.runs.get(owner, runId)).not.toBeNull();

    const gone = await schedule();
    await store.conversations.delete(owner, gone.conversationId);
    expect(await store.schedules.get(owner, gone.id)).toBeNull();
  });

  it('gives Agenda a backend on the same database, whose job shows as the next run', async () => {
    const view = await schedule();
    const backend = store.schedules.jobBackend();
    expect(backend.ownsConnection).toBe(false);
    await db.query(
      `INSERT INTO agenda_jobs (name, next_run_at, data, disabled) VALUES ('run schedule', '2030-01-01T00:00:00Z', $1, false)`,
      [JSON.stringify({ scheduleId: view.id, ownerId: owner })],
    );
    expect((await store.schedules.get(owner, view.id))!.nextRunAt).toBe('2030-01-01T00:00:00.000Z');
    // One job per schedule.
    await expect(db.query(`INSERT INTO agenda_jobs (name, data) VALUES ('run schedule', $1)`, [JSON.stringify({ scheduleId: view.id, ownerId: owner })])).rejects.toThrow(/agenda_jobs_schedule/);
    await store.schedules.update(owner, view.id, { status: 'paused' });
    expect((await store.schedules.get(owner, view.id))!.nextRunAt).toBeNull();
  });
});
