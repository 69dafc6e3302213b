import type { Agenda } from 'agenda';
import type { CreateScheduleBody, ScheduleRun, ScheduleSpec, ScheduleView, UpdateScheduleBody } from '../../protocol/index.ts';
import type { PlanService } from '../chat/plan-service.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { EventPort } from '../events/event-port.ts';
import { assertAttachedFiles } from '../files/plan-attachments.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import type { UsageMeter } from '../models/usage-meter.ts';
import { textParts, type ScheduleChanges, type Store, type StoredWebhook } from '../store/store.ts';
import type { PromptPlanner } from '../planner/plan-prompt.ts';
import { createScheduleFires } from './schedule-fires.ts';
import { createScheduleJobs } from './schedule-jobs.ts';
import { checkSpec, describeDuration, isTimeZone, parseWhen } from './schedule-spec.ts';
import type { ScheduleWebhooks } from './schedule-webhooks.ts';
import type { WebhookSecretCipher } from './webhook-secret.ts';

/**
 * Saved tasks on schedules, for one owner at a time. Throws SkipperError (`invalid-request`,
 * `not-found`, `too-many-schedules`…) with a message a person can act on; saves nothing then.
 */
export type ScheduleService = {
  create(ownerId: string, body: CreateScheduleBody): Promise<ScheduleView>;
  list(ownerId: string): Promise<ScheduleView[]>;
  /** The schedule and its newest runs, newest first. */
  get(ownerId: string, scheduleId: string): Promise<{ schedule: ScheduleView; runs: ScheduleRun[] }>;
  update(ownerId: string, scheduleId: string, body: UpdateScheduleBody): Promise<ScheduleView>;
  pause(ownerId: string, scheduleId: string): Promise<ScheduleView>;
  resume(ownerId: string, scheduleId: string): Promise<ScheduleView>;
  /** Runs it now, outside its times; recorded in its history as `manual`. */
  runNow(ownerId: string, scheduleId: string): Promise<{ runId: string; conversationId: string }>;
  delete(ownerId: string, scheduleId: string): Promise<void>;
  /** The full id of the owner's schedule whose id is `idOrPrefix` or starts with it (bot commands take short ids). */
  resolveId(ownerId: string, idOrPrefix: string): Promise<string>;
};

/** The schedule service with the clock that fires it: Agenda, started and stopped with the server. */
export type Scheduler = ScheduleService & {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For the admin dashboard (/admin/jobs). */
  agenda: Agenda;
};

export type ScheduleServiceOptions = {
  store: Store;
  hub: ConversationHub;
  events: EventPort;
  /** Each fire runs the schedule's plan again through it, as "Run again" in the chat does. */
  plans: PlanService;
  /** Plans a prompt once, when its schedule is made (the grammar, or the model planner). */
  planPrompt: PromptPlanner;
  /** Records what planning a prompt cost, with a model. */
  meter?: UsageMeter;
  cipher: WebhookSecretCipher;
  webhooks: ScheduleWebhooks;
  limits: {
    /** Closest two fires of a schedule may be (SCHEDULE_MIN_INTERVAL). */
    minIntervalMs: number;
    /** Schedules one person may have (SCHEDULE_MAX_PER_USER). */
    maxPerOwner: number;
  };
  /** Agenda's processEvery (SCHEDULE_PROCESS_EVERY). */
  processEveryMs: number;
  /** Time zone of times of day and cron when neither `when` nor the body names one. Default: the server's (TZ), else UTC. */
  defaultTimezone?: string;
  logger: Logger;
  now?: () => Date;
};

/** Runs shown with a schedule. */
const HISTORY_LIMIT = 50;
/** Longest name taken from a prompt. */
const NAME_LENGTH = 80;
/** How often one instance (of all) sends webhooks whose event was missed. */
const MAINTENANCE_EVERY_MS = 60_000;

function nameFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > NAME_LENGTH ? `${line.slice(0, NAME_LENGTH - 1).trimEnd()}…` : line;
}

export function createScheduleService(options: ScheduleServiceOptions): Scheduler {
  const { store, hub, events, plans, cipher, webhooks, limits, logger } = options;
  const now = options.now ?? (() => new Date());
  const defaultTimezone = options.defaultTimezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const jobs = createScheduleJobs({
    backend: store.schedules.jobBackend(),
    processEveryMs: options.processEveryMs,
    fire: (fire) => fires.onJob(fire),
    maintenance: { everyMs: MAINTENANCE_EVERY_MS, run: () => webhooks.sweep() },
    logger,
  });
  const fires = createScheduleFires({
    store,
    plans,
    hub,
    logger,
    // Three checks, or a minute: any later and no instance was there to fire it.
    missedAfterMs: Math.max(60_000, 3 * options.processEveryMs),
    removeJob: (scheduleId) => jobs.remove(scheduleId),
    instance: jobs.agenda.attrs.name ?? '',
    now,
  });
  let unsubscribe: (() => void) | undefined;

  function tooMany(count: number): SkipperError {
    return new SkipperError(
      'too-many-schedules',
      `You have ${count} schedules, the most allowed. Delete one you no longer need, then try again.`,
    );
  }

  /** When a schedule fires, read and checked: a 400 that says what is wrong, before anything is saved. */
  function readWhen(when: string, timezone: string | undefined): ScheduleSpec {
    if (timezone !== undefined && !isTimeZone(timezone)) {
      throw new SkipperError('invalid-request', `"${timezone}" is not a time zone I know. Use a name such as Europe/Berlin or America/New_York.`, {
        issues: [{ path: 'timezone', message: 'unknown time zone' }],
      });
    }
    const parsed = parseWhen(when, { defaultTimezone: timezone ?? defaultTimezone });
    const problem = parsed.ok ? checkSpec(parsed.spec, { minIntervalMs: limits.minIntervalMs, now: now() }) : parsed.problem;
    if (problem !== undefined) throw new SkipperError('invalid-request', problem, { issues: [{ path: 'when', message: problem }] });
    return (parsed as Extract<typeof parsed, { ok: true }>).spec;
  }

  async function scheduleOf(ownerId: string, scheduleId: string): Promise<ScheduleView> {
    const schedule = await store.schedules.get(ownerId, scheduleId);
    if (!schedule) throw SkipperError.notFound('schedule');
    return schedule;
  }

  /** The webhook to store for a change, or undefined for no change; checked before anything is saved. */
  async function webhookChange(ownerId: string, scheduleId: string, body: UpdateScheduleBody): Promise<StoredWebhook | null | undefined> {
    if (body.webhookUrl === null) {
      if (body.webhookSecret !== undefined) throw new SkipperError('invalid-request', 'Send either webhookUrl: null to remove the webhook, or a webhookSecret for it, not both.');
      return null;
    }
    if (body.webhookUrl === undefined && body.webhookSecret === undefined) return undefined;
    const existing = await store.schedules.webhook(ownerId, scheduleId);
    const url = body.webhookUrl ?? existing?.url;
    if (!url) throw new SkipperError('invalid-request', 'This schedule has no webhook: send a webhookUrl with the webhookSecret.');
    if (body.webhookSecret !== undefined) return { url, sealedSecret: cipher.seal({ ownerId, secret: body.webhookSecret }) };
    if (!existing) throw new SkipperError('invalid-request', 'A webhookUrl needs a webhookSecret (16 characters or more) to sign what is sent to it.');
    return { url, sealedSecret: existing.sealedSecret };
  }

  /** Where a new schedule's runs go and the plan they run, written into the conversation. */
  async function planFor(ownerId: string, body: CreateScheduleBody, when: string): Promise<{ planId: string; conversationId: string; name: string; created: boolean }> {
    if (body.planId !== undefined) {
      const plan = await store.plans.get(ownerId, body.planId);
      if (!plan) throw SkipperError.notFound('plan');
      if (plan.status !== 'approved') {
        throw new SkipperError('conflict', plan.status === 'proposed' ? 'This plan has not run yet: run it (or schedule its prompt) first.' : `This plan was ${plan.status === 'superseded' ? 'edited into a newer version; schedule that one' : 'discarded'}.`);
      }
      // A plan's runs stay in its own conversation, where its compiled steps and attached files are.
      if (body.conversationId !== undefined && body.conversationId !== plan.conversationId) {
        throw new SkipperError('invalid-request', "A plan's runs are posted in the plan's own conversation: leave out conversationId, or send the plan's.", {
          issues: [{ path: 'conversationId', message: "not the plan's conversation" }],
        });
      }
      const conversation = await store.conversations.get(ownerId, plan.conversationId);
      const name = body.name ?? conversation?.title ?? 'Scheduled plan';
      const posted = await store.messages.appendAssistant(ownerId, plan.conversationId, { parts: textParts(`Scheduled "${name}" to run this plan: ${when}.`) });
      if (posted?.status === 'appended') hub.publish(posted.change);
      return { planId: plan.id, conversationId: plan.conversationId, name, created: false };
    }
    const prompt = body.prompt!;
    if (body.conversationId !== undefined && !(await store.conversations.get(ownerId, body.conversationId))) throw SkipperError.notFound('conversation');
    // Planned before anything is written, so a prompt that cannot be planned leaves no trace.
    const { plan, call } = await options.planPrompt({ ownerId, conversationId: body.conversationId, prompt, nothingDone: 'the schedule was not saved' });
    const record = (extra: { conversationId?: string; planId?: string }) =>
      call && options.meter ? options.meter.record({ ownerId, ...extra, purpose: 'plan', ...call }) : Promise.resolve();
    try {
      await assertAttachedFiles(store, ownerId, body.conversationId, plan.steps);
    } catch (error) {
      await record(body.conversationId ? { conversationId: body.conversationId } : {});
      throw error;
    }
    const name = body.name ?? nameFrom(prompt);
    const conversationId = body.conversationId ?? (await store.conversations.create(ownerId, { title: name })).id;
    const user = await store.messages.appendUser(ownerId, conversationId, { text: prompt });
    if (!user) throw SkipperError.notFound('conversation');
    hub.publish(user.change);
    const count = plan.steps.length;
    const reply = await store.messages.appendAssistant(ownerId, conversationId, {
      replyTo: user.message.id,
      parts: textParts(`Scheduled "${name}": ${when}. Each run follows this plan (${count} ${count === 1 ? 'step' : 'steps'}).`),
      plan: { ...plan, status: 'approved' },
    });
    if (reply?.status !== 'appended') throw new Error('the schedule\'s plan was not stored');
    hub.publish(reply.change);
    const planId = reply.message.parts.find((part) => part.type === 'data-plan')!.id!;
    await record({ conversationId, planId });
    return { planId, conversationId, name, created: body.conversationId === undefined };
  }

  const service: Scheduler = {
    agenda: jobs.agenda,

    async create(ownerId, body) {
      const spec = readWhen(body.when, body.timezone);
      const count = await store.schedules.count(ownerId);
      if (count >= limits.maxPerOwner) throw tooMany(count);
      const webhook = body.webhookUrl && body.webhookSecret ? { url: body.webhookUrl, sealedSecret: cipher.seal({ ownerId, secret: body.webhookSecret }) } : undefined;
      const target = await planFor(ownerId, body, body.when);
      const result = await store.schedules.create(
        ownerId,
        { name: target.name, when: body.when, spec, planId: target.planId, conversationId: target.conversationId, ...(body.prompt && { prompt: body.prompt }), ...(webhook && { webhook }) },
        { maxPerOwner: limits.maxPerOwner },
      );
      if (result?.status !== 'created') {
        // Another request took the last place meanwhile (or the conversation went): nothing of this one stays.
        if (target.created && (await store.conversations.delete(ownerId, target.conversationId))) hub.publishDeleted(ownerId, target.conversationId);
        if (!result) throw SkipperError.notFound('conversation');
        throw tooMany(result.count);
      }
      const { schedule } = result;
      try {
        await jobs.save({ id: schedule.id, ownerId, spec, status: 'active' });
      } catch (error) {
        await store.schedules.delete(ownerId, schedule.id);
        throw error;
      }
      return scheduleOf(ownerId, schedule.id);
    },

    list: (ownerId) => store.schedules.list(ownerId),

    async get(ownerId, scheduleId) {
      const schedule = await scheduleOf(ownerId, scheduleId);
      const runs = (await store.schedules.history(ownerId, scheduleId, HISTORY_LIMIT)) ?? [];
      return { schedule, runs };
    },

    async update(ownerId, scheduleId, body) {
      const current = await scheduleOf(ownerId, scheduleId);
      const changes: ScheduleChanges = {};
      if (body.name !== undefined) changes.name = body.name;
      if (body.when !== undefined || body.timezone !== undefined) {
        const when = body.when ?? current.when;
        // A new zone alone applies to the times already set; without one, a cron keeps its zone.
        const timezone = body.timezone ?? (body.when === undefined && current.spec.kind === 'cron' ? current.spec.timezone : undefined);
        changes.when = when;
        changes.spec = readWhen(when, timezone);
        // A one-off that ran, given a new time, is on again.
        if (current.status === 'done') changes.status = 'active';
      }
      const webhook = await webhookChange(ownerId, scheduleId, body);
      if (webhook !== undefined) changes.webhook = webhook;
      const updated = await store.schedules.update(ownerId, scheduleId, changes);
      if (!updated) throw SkipperError.notFound('schedule');
      if (changes.spec) await jobs.save({ id: scheduleId, ownerId, spec: updated.spec, status: updated.status });
      return scheduleOf(ownerId, scheduleId);
    },

    async pause(ownerId, scheduleId) {
      const current = await scheduleOf(ownerId, scheduleId);
      if (current.status === 'done') throw new SkipperError('conflict', 'This one-off schedule has run already; give it a new time to run it again.');
      if (current.status === 'paused') return current;
      // The record first: from then on fires skip it, even before its job is disabled.
      await store.schedules.update(ownerId, scheduleId, { status: 'paused' });
      await jobs.save({ id: scheduleId, ownerId, spec: current.spec, status: 'paused' });
      return scheduleOf(ownerId, scheduleId);
    },

    async resume(ownerId, scheduleId) {
      const current = await scheduleOf(ownerId, scheduleId);
      if (current.status === 'done') throw new SkipperError('conflict', 'This one-off schedule has run already; give it a new time to run it again.');
      if (current.status === 'active') return current;
      // The next time is counted from now: what was missed while paused does not run.
      const problem = checkSpec(current.spec, { minIntervalMs: 0, now: now() });
      if (problem) throw new SkipperError('invalid-request', `${problem} Change when it runs to resume it.`);
      // The job first: should the record not follow, fires still skip a schedule that reads paused.
      await jobs.save({ id: scheduleId, ownerId, spec: current.spec, status: 'active' });
      await store.schedules.update(ownerId, scheduleId, { status: 'active' });
      return scheduleOf(ownerId, scheduleId);
    },

    async runNow(ownerId, scheduleId) {
      await scheduleOf(ownerId, scheduleId);
      const fired = await fires.fire(ownerId, scheduleId, { trigger: 'manual', dueAt: now() });
      if (!fired) throw SkipperError.notFound('schedule');
      return fired;
    },

    async delete(ownerId, scheduleId) {
      if (!(await store.schedules.delete(ownerId, scheduleId))) throw SkipperError.notFound('schedule');
      // Should this fail, the job removes itself when it next fires and finds no schedule.
      await jobs.remove(scheduleId).catch((error: unknown) => logger.warn({ err: error, scheduleId }, 'could not remove the job of a deleted schedule'));
    },

    async resolveId(ownerId, idOrPrefix) {
      const prefix = idOrPrefix.trim().toLowerCase();
      const ids = await store.schedules.idsStartingWith(ownerId, prefix, 2);
      if (ids.length === 0) throw new SkipperError('not-found', `You have no schedule whose id starts with "${prefix.slice(0, 40)}". List them with /schedules.`);
      if (ids.length > 1) throw new SkipperError('invalid-request', `More than one of your schedules has an id starting with "${prefix}". Give more of the id.`);
      return ids[0]!;
    },

    async start() {
      await jobs.start();
      webhooks.start();
      // Schedules deleted with their conversation leave jobs behind: removed at once, on any instance.
      unsubscribe = events.subscribe('conversation-deleted', ({ ownerId }) => void pruneJobs(ownerId));
      void webhooks.sweep().catch((error: unknown) => logger.warn({ err: error }, 'could not look for unsent schedule webhooks'));
      logger.info({ processEvery: describeDuration(options.processEveryMs), minInterval: describeDuration(limits.minIntervalMs) }, 'schedules are running');
    },

    async stop() {
      unsubscribe?.();
      await jobs.stop();
      await webhooks.stop();
    },
  };

  /** Removes the jobs of the owner's schedules that no longer exist. */
  async function pruneJobs(ownerId: string) {
    try {
      const existing = new Set((await store.schedules.list(ownerId)).map((schedule) => schedule.id));
      for (const scheduleId of await jobs.scheduleIds(ownerId)) if (!existing.has(scheduleId)) await jobs.remove(scheduleId);
    } catch (error) {
      logger.warn({ err: error, ownerId }, 'could not remove the jobs of deleted schedules');
    }
  }

  return service;
}
