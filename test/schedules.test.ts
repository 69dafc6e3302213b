import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleDetailResponseSchema, ScheduleListResponseSchema, ScheduleResponseSchema } from '../protocol/index.ts';
import { captureLogs, isFire, type CapturedLogs } from '../server/schedules/testing.ts';
import { textParts } from '../server/store/store.ts';
import { startTestServer, type TestServer } from './harness/test-server.ts';

// Saved tasks on schedules, through the real HTTP API, on a real PostgreSQL with real Agenda.
// Runs stay queued (no runner): a fire creating the run and its history row is what matters.
// Tests wait for the server's "a schedule fired" log lines (or rows), never for time.

const TASK = 'go to http://127.0.0.1:9/a';

describe('schedules', () => {
  let server: TestServer;
  let logs: CapturedLogs;
  let db: pg.Client;

  beforeAll(async () => {
    logs = captureLogs();
    server = await startTestServer({ logger: logs.logger, scheduleProcessEveryMs: 250 });
    db = new pg.Client(server.database.url);
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await server?.stop();
    await server?.database.drop();
  });

  async function create(body: object) {
    const response = await server.api('/api/schedules', { body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return ScheduleResponseSchema.parse(response.body).schedule;
  }
  const historyOf = async (id: string) => ScheduleDetailResponseSchema.parse((await server.api(`/api/schedules/${id}`)).body);
  const jobOf = async (id: string) =>
    (await db.query<{ next_run_at: Date | null; disabled: boolean; repeat_interval: string | null }>(`SELECT next_run_at, disabled, repeat_interval FROM agenda_jobs WHERE data ->> 'scheduleId' = $1`, [id])).rows;
  const counts = async () =>
    (await db.query<{ schedules: number; jobs: number; conversations: number; plans: number }>(
      `SELECT (SELECT count(*)::int FROM schedules) AS schedules, (SELECT count(*)::int FROM agenda_jobs WHERE name = 'run schedule') AS jobs,
              (SELECT count(*)::int FROM conversations) AS conversations, (SELECT count(*)::int FROM plans) AS plans`,
    )).rows[0]!;

  it('plans a prompt once, fires every second, creates runs in its conversation and records them', async () => {
    const schedule = await create({ when: 'every 1 second', prompt: TASK, name: 'Ping a' });
    expect(schedule).toMatchObject({ name: 'Ping a', when: 'every 1 second', spec: { kind: 'interval', everyMs: 1_000 }, status: 'active', prompt: TASK });
    expect(Date.parse(schedule.nextRunAt!)).toBeGreaterThan(Date.parse(schedule.createdAt));
    // Its conversation is new, named after it, and shows the prompt and the plan each fire runs.
    const conversation = (await server.api(`/api/conversations/${schedule.conversationId}`)).body;
    expect(conversation.conversation.title).toBe('Ping a');
    const plan = conversation.messages.flatMap((message: { parts: { type: string; data?: { id: string; status: string; steps: unknown[] } }[] }) => message.parts).find((part: { type: string }) => part.type === 'data-plan');
    expect(plan.data).toMatchObject({ id: schedule.planId, status: 'approved', steps: [{ type: 'goto', url: 'http://127.0.0.1:9/a' }] });

    const fires = await logs.waitForCount(isFire(schedule.id), 3, { what: 'fires' });
    const { schedule: after, runs } = await historyOf(schedule.id);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.every((run) => run.trigger === 'schedule' && run.status === 'queued')).toBe(true);
    // Newest first, one per due time, each due a second after the one before.
    const due = runs.map((run) => Date.parse(run.dueAt)).reverse();
    expect(new Set(due).size).toBe(due.length);
    for (const [index, time] of due.slice(1).entries()) expect(time - due[index]!).toBeGreaterThanOrEqual(1_000);
    expect(fires.map((line) => line.runId)).toEqual(expect.arrayContaining(runs.slice(-3).map((run) => run.runId)));
    expect(after.lastRun?.runId).toBe(runs[0]!.runId);
    // The runs are posted in the schedule's conversation, each through the plan, like "Run again".
    const run = (await server.api(`/api/runs/${runs[0]!.runId}`)).body;
    expect(run.run).toMatchObject({ conversationId: schedule.conversationId, planId: schedule.planId, status: 'queued' });
    await server.api(`/api/schedules/${schedule.id}/pause`, { method: 'POST' });
  });

  it('pauses (its job disabled, no more fires), resumes with the next time counted from now, and deletes its job and history but not its runs', async () => {
    const paused = await create({ when: 'every 1 second', prompt: TASK, name: 'Pausable' });
    const control = await create({ when: 'every 1 second', prompt: TASK, name: 'Control' });
    await logs.waitFor(isFire(paused.id));
    const pausedResponse = await server.api(`/api/schedules/${paused.id}/pause`, { method: 'POST' });
    expect(pausedResponse.status).toBe(200);
    expect(pausedResponse.body.schedule).toMatchObject({ status: 'paused', nextRunAt: null });
    expect(await jobOf(paused.id)).toMatchObject([{ disabled: true }]);
    // Pausing again changes nothing.
    expect((await server.api(`/api/schedules/${paused.id}/pause`, { method: 'POST' })).body.schedule.status).toBe('paused');
    // While the control fires three more times, the paused one does not fire at all (a fire under way when it paused may finish).
    const firesWhenPaused = (await historyOf(paused.id)).runs.length;
    const controlSoFar = logs.lines.filter(isFire(control.id)).length;
    await logs.waitForCount(isFire(control.id), controlSoFar + 3, { what: 'control fires' });
    expect((await historyOf(paused.id)).runs.length).toBeLessThanOrEqual(firesWhenPaused + 1);
    const stillPaused = (await historyOf(paused.id)).runs.length;
    await logs.waitForCount(isFire(control.id), controlSoFar + 5, { what: 'control fires' });
    expect((await historyOf(paused.id)).runs.length).toBe(stillPaused);

    const resumedAt = Date.now();
    const resumed = (await server.api(`/api/schedules/${paused.id}/resume`, { method: 'POST' })).body.schedule;
    expect(resumed.status).toBe('active');
    expect(Date.parse(resumed.nextRunAt)).toBeGreaterThanOrEqual(resumedAt + 1_000 - 50);
    expect(await jobOf(paused.id)).toMatchObject([{ disabled: false }]);
    const before = logs.lines.filter(isFire(paused.id)).length;
    await logs.waitForCount(isFire(paused.id), before + 1, { what: 'a fire after resuming' });

    const { runs } = await historyOf(paused.id);
    expect((await server.api(`/api/schedules/${paused.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await jobOf(paused.id)).toEqual([]);
    expect((await server.api(`/api/schedules/${paused.id}`)).status).toBe(404);
    const { rows: history } = await db.query('SELECT 1 FROM schedule_runs WHERE schedule_id = $1', [paused.id]);
    expect(history).toEqual([]);
    // Its runs stay in the conversation.
    expect((await server.api(`/api/runs/${runs[0]!.runId}`)).status).toBe(200);
    expect((await server.api(`/api/schedules/${paused.id}`, { method: 'DELETE' })).status).toBe(404);
    await server.api(`/api/schedules/${control.id}`, { method: 'DELETE' });
  });

  it('edits: renames, reschedules its job, and sets or removes a webhook whose secret is never shown', async () => {
    const schedule = await create({ when: 'every 1 hour', prompt: TASK, webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'a-secret-of-16-chars' });
    expect(schedule.webhookUrl).toBe('http://127.0.0.1:9/hook');
    expect(JSON.stringify(schedule)).not.toContain('a-secret-of-16-chars');
    const { rows } = await db.query<{ webhook_secret: Buffer }>('SELECT webhook_secret FROM schedules WHERE id = $1', [schedule.id]);
    expect(rows[0]!.webhook_secret.toString('latin1')).not.toContain('a-secret-of-16-chars');
    expect(await jobOf(schedule.id)).toMatchObject([{ repeat_interval: '3600000', disabled: false }]);

    const edited = await server.api(`/api/schedules/${schedule.id}`, { method: 'PATCH', body: { name: 'Hourly no more', when: 'every weekday at 9:00', timezone: 'Asia/Tokyo' } });
    expect(edited.status).toBe(200);
    expect(edited.body.schedule).toMatchObject({ name: 'Hourly no more', when: 'every weekday at 9:00', spec: { kind: 'cron', cron: '0 9 * * 1-5', timezone: 'Asia/Tokyo' } });
    const [job] = await jobOf(schedule.id);
    expect(job!.repeat_interval).toBe('0 9 * * 1-5');
    // 9:00 in Tokyo is 00:00 UTC.
    expect(job!.next_run_at!.getUTCHours()).toBe(0);
    expect(edited.body.schedule.nextRunAt).toBe(job!.next_run_at!.toISOString());

    const newUrl = await server.api(`/api/schedules/${schedule.id}`, { method: 'PATCH', body: { webhookUrl: 'http://127.0.0.1:9/other' } });
    expect(newUrl.body.schedule.webhookUrl).toBe('http://127.0.0.1:9/other');
    const removed = await server.api(`/api/schedules/${schedule.id}`, { method: 'PATCH', body: { webhookUrl: null } });
    expect(removed.body.schedule.webhookUrl).toBeUndefined();
    const noSecret = await server.api(`/api/schedules/${schedule.id}`, { method: 'PATCH', body: { webhookUrl: 'http://127.0.0.1:9/hook' } });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.error.message).toMatch(/needs a webhookSecret/);
    await server.api(`/api/schedules/${schedule.id}`, { method: 'DELETE' });
  });

  it('runs now, outside its times, recorded as manual', async () => {
    const schedule = await create({ when: 'every 1 hour', prompt: TASK });
    const started = await server.api(`/api/schedules/${schedule.id}/run`, { method: 'POST' });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({ runId: expect.any(String), conversationId: schedule.conversationId });
    const { runs, schedule: after } = await historyOf(schedule.id);
    expect(runs).toMatchObject([{ runId: started.body.runId, trigger: 'manual', status: 'queued' }]);
    expect(after.lastRun?.runId).toBe(started.body.runId);
    await server.api(`/api/schedules/${schedule.id}`, { method: 'DELETE' });
  });

  it('schedules a plan that ran, posting its runs in the plan\'s conversation', async () => {
    const ran = await server.api('/api/runs', { body: { prompt: TASK } });
    expect(ran.status).toBe(201);
    const planId = ran.body.run.planId;
    const schedule = await create({ when: 'every 1 hour', planId });
    expect(schedule).toMatchObject({ planId, conversationId: ran.body.conversationId });
    expect(schedule.prompt).toBeUndefined();
    const other = await server.api('/api/conversations', { body: { title: 'elsewhere' } });
    const refused = await server.api('/api/schedules', { body: { when: 'every 1 hour', planId, conversationId: other.body.conversation.id } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/plan's own conversation/);
    expect((await server.api('/api/schedules', { body: { when: 'every 1 hour', planId: randomUUID() } })).status).toBe(404);
    await server.api(`/api/schedules/${schedule.id}`, { method: 'DELETE' });
  });

  it('runs a one-off once, then marks it done and removes its job', async () => {
    const at = new Date(Date.now() + 3_600_000);
    const when = `once at ${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)} UTC`;
    const schedule = await create({ when, prompt: TASK });
    expect(schedule.spec).toEqual({ kind: 'once', at: `${at.toISOString().slice(0, 16)}:00.000Z` });
    // As if its time had come.
    await db.query(`UPDATE agenda_jobs SET next_run_at = now() WHERE data ->> 'scheduleId' = $1`, [schedule.id]);
    const fire = await logs.waitFor(isFire(schedule.id));
    expect(fire.trigger).toBe('schedule');
    const { schedule: done, runs } = await historyOf(schedule.id);
    expect(done).toMatchObject({ status: 'done', nextRunAt: null });
    expect(runs).toHaveLength(1);
    // The job is removed once Agenda has saved it done.
    await expect.poll(() => jobOf(schedule.id), { timeout: 10_000 }).toEqual([]);
    expect((await server.api(`/api/schedules/${schedule.id}/resume`, { method: 'POST' })).status).toBe(409);
    // A new time makes it active again.
    const again = await server.api(`/api/schedules/${schedule.id}`, { method: 'PATCH', body: { when: 'every 1 hour' } });
    expect(again.body.schedule.status).toBe('active');
    expect(await jobOf(schedule.id)).toHaveLength(1);
    await server.api(`/api/schedules/${schedule.id}`, { method: 'DELETE' });
  });

  it('goes with its conversation, its job too', async () => {
    const schedule = await create({ when: 'every 1 hour', prompt: TASK });
    expect(await jobOf(schedule.id)).toHaveLength(1);
    expect((await server.api(`/api/conversations/${schedule.conversationId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await server.api(`/api/schedules/${schedule.id}`)).status).toBe(404);
    // Removed on the conversation-deleted event, not left to fire.
    await expect.poll(() => jobOf(schedule.id), { timeout: 10_000 }).toEqual([]);
  });

  it('refuses another owner\'s schedule as if it did not exist', async () => {
    const other = await server.store.users.ensure(`other-${randomUUID()}`);
    const conversation = await server.store.conversations.create(other.id, { title: 'theirs' });
    const appended = await server.store.messages.appendAssistant(other.id, conversation.id, { parts: textParts('plan'), plan: { source: 'api', steps: [{ type: 'goto', url: 'http://127.0.0.1:9/a' }] } });
    const planId = appended?.status === 'appended' ? appended.message.parts.find((part) => part.type === 'data-plan')!.id! : '';
    const theirs = await server.store.schedules.create(other.id, { name: 'Theirs', when: 'every 1 hour', spec: { kind: 'interval', everyMs: 3_600_000 }, planId, conversationId: conversation.id }, { maxPerOwner: 50 });
    const id = theirs?.status === 'created' ? theirs.schedule.id : '';
    expect(id).not.toBe('');
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/pause'], ['POST', '/resume'], ['POST', '/run']] as const) {
      const response = await server.api(`/api/schedules/${id}${path}`, { method, ...(method === 'PATCH' && { body: { name: 'mine now' } }) });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('not-found');
    }
    expect(ScheduleListResponseSchema.parse((await server.api('/api/schedules')).body).schedules.map((item) => item.id)).not.toContain(id);
    // Their plan cannot be scheduled by someone else either.
    expect((await server.api('/api/schedules', { body: { when: 'every 1 hour', planId } })).status).toBe(404);
    expect((await server.store.schedules.get(other.id, id))?.name).toBe('Theirs');
  });

  it('answers bad input with a 400 that says what is wrong, and saves nothing', async () => {
    const before = await counts();
    const cases: [object, RegExp][] = [
      [{ when: '61 * * * *', prompt: TASK }, /"61 \* \* \* \*" is not a cron expression I can read .*five fields/],
      [{ when: '0 9 31 2 *', prompt: TASK }, /is not a cron expression I can read/],
      [{ when: 'every day at 9:00 Mars/Olympus', prompt: TASK }, /"Mars\/Olympus" is not a time zone I know/],
      [{ when: 'every day at 9:00', timezone: 'Mars/Olympus', prompt: TASK }, /"Mars\/Olympus" is not a time zone I know/],
      [{ when: 'whenever', prompt: TASK }, /could not read "whenever" as a time/],
      [{ when: 'once at 2020-01-01 09:00', prompt: TASK }, /has passed/],
      [{ when: 'every hour' }, /either a prompt or a planId/],
      [{ when: 'every hour', prompt: TASK, webhookUrl: 'http://127.0.0.1:9/x' }, /needs a webhookSecret/],
      [{ when: 'every hour', prompt: TASK, webhookUrl: 'http://127.0.0.1:9/x', webhookSecret: 'short' }, /at least 16 characters/],
      [{ when: 'every hour', prompt: TASK, webhookUrl: 'ftp://127.0.0.1/x', webhookSecret: 'a-secret-of-16-chars' }, /webhookUrl/],
    ];
    for (const [body, message] of cases) {
      const response = await server.api('/api/schedules', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid-request');
      expect(response.body.error.message).toMatch(message);
    }
    // Free-form text needs a model; none is configured here.
    const unplanned = await server.api('/api/schedules', { body: { when: 'every hour', prompt: 'find me the cheapest flight to Lisbon next week' } });
    expect(unplanned.status).toBe(422);
    expect(await counts()).toEqual(before);
    expect((await server.api('/api/schedules/not-an-id')).status).toBe(400);
    expect((await server.api(`/api/schedules/${randomUUID()}`, { method: 'PATCH', body: {} })).status).toBe(400);
  });

  it('shows Agendash at /admin/jobs to the local user, and refuses other host names and cross-site changes', async () => {
    const redirect = await fetch(`${server.baseUrl}/admin/jobs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/admin/jobs/');
    const page = await fetch(`${server.baseUrl}/admin/jobs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Agendash</title>');
    const jobs = await fetch(`${server.baseUrl}/admin/jobs/api?limit=5`);
    expect(jobs.status).toBe(200);
    expect(await jobs.json()).toHaveProperty('jobs');
    // fetch will not send another Host header; node:http will.
    const otherHost = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${server.baseUrl}/admin/jobs/api`, { headers: { Host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject).end();
    });
    expect(otherHost).toBe(403);
    const crossSite = await server.api('/admin/jobs/api/jobs/delete', { body: { jobIds: [randomUUID()] }, headers: { Origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('forbidden-origin');
  });
});

describe('schedule limits, as in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ scheduleMinIntervalMs: 60_000, scheduleMaxPerUser: 2 });
  });
  afterAll(async () => {
    await server?.stop();
    await server?.database.drop();
  });

  it('refuses runs closer together than SCHEDULE_MIN_INTERVAL, saying the limit', async () => {
    for (const when of ['every 30 seconds', 'every 59 seconds']) {
      const response = await server.api('/api/schedules', { body: { when, prompt: TASK } });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/is too often\. Schedules may run at most every 1 minute\./);
    }
    expect((await server.api('/api/schedules')).body.schedules).toEqual([]);
  });

  it('refuses more than SCHEDULE_MAX_PER_USER with a 429, saving nothing of the third', async () => {
    for (let n = 0; n < 2; n++) expect((await server.api('/api/schedules', { body: { when: 'every 1 hour', prompt: TASK } })).status).toBe(201);
    const conversations = (await server.api('/api/conversations')).body.conversations.length;
    const third = await server.api('/api/schedules', { body: { when: 'every 1 hour', prompt: TASK, name: 'One too many' } });
    expect(third.status).toBe(429);
    expect(third.body.error).toEqual({ code: 'too-many-schedules', message: 'You have 2 schedules, the most allowed. Delete one you no longer need, then try again.' });
    expect((await server.api('/api/schedules')).body.schedules).toHaveLength(2);
    expect((await server.api('/api/conversations')).body.conversations).toHaveLength(conversations);
    // Two at once for the last place: one gets it.
    const [first] = (await server.api('/api/schedules')).body.schedules;
    await server.api(`/api/schedules/${first.id}`, { method: 'DELETE' });
    const racing = await Promise.all([1, 2, 3].map(() => server.api('/api/schedules', { body: { when: 'every 1 hour', prompt: TASK } })));
    expect(racing.map((response) => response.status).sort()).toEqual([201, 429, 429]);
    expect((await server.api('/api/schedules')).body.schedules).toHaveLength(2);
    // The deleted schedule's conversation stays; the winner's is new; the losers' are gone.
    expect((await server.api('/api/conversations')).body.conversations).toHaveLength(conversations + 1);
  });
});
