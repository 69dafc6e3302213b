import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agenda, type AgendaBackend, type Job, type JobParameters, type JobRepository } from 'agenda';
import type { ScheduleSpec, ScheduleStatus } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { SCHEDULE_JOB_NAME } from '../store/store.ts';

// Agenda owns time (ARCHITECTURE D4): one job per schedule, named SCHEDULE_JOB_NAME, found by
// `data.scheduleId` (Agenda's every() keeps one job per name, so each is created and unique()d
// by id). Agenda's lock (FOR UPDATE SKIP LOCKED on the job row) makes one instance fire each due time.

/** A schedule's job data. */
type JobData = { scheduleId: string; ownerId: string; dueAt?: string | null };

/** A fire, as Agenda hands it over. */
export type JobFire = { scheduleId: string; ownerId: string; dueAt: Date };

export type ScheduleJobs = {
  /**
   * Creates or replaces a schedule's job: active, it next fires at the spec's next time after now
   * (an interval counts from now); paused or done, it stays, disabled.
   */
  save(schedule: { id: string; ownerId: string; spec: ScheduleSpec; status: ScheduleStatus }): Promise<void>;
  remove(scheduleId: string): Promise<void>;
  /** The ids of the owner's schedules that have a job, to find jobs whose schedule is gone. */
  scheduleIds(ownerId: string): Promise<string[]>;
  start(): Promise<void>;
  /** Stops firing and releases the jobs this instance locked; waits (briefly) for fires under way. */
  stop(): Promise<void>;
  /** For the admin dashboard. */
  agenda: Agenda;
};

export type ScheduleJobsOptions = {
  backend: AgendaBackend;
  /** How often each instance looks for jobs due within the next `processEveryMs` (Agenda processEvery). */
  processEveryMs: number;
  /** Runs a fire; it should be quick (it queues a run, it does not wait for it). */
  fire(fire: JobFire): Promise<void>;
  /** Runs once per `everyMs` on one instance of all (Agenda's single job). */
  maintenance?: { everyMs: number; run(): Promise<void> };
  logger: Logger;
};

const MAINTENANCE_JOB_NAME = 'schedule maintenance';
/** How long after its due time a job locked here is looked at again (see onLocked). */
const LOOK_AGAIN_AFTER_MS = 5;
/** How long `stop` waits for fires under way to finish and release their jobs. */
const STOP_WAIT_MS = 5_000;

/**
 * The time a job was due, as the row said when it was locked. Agenda computes the next time (and
 * overwrites `nextRunAt`) before calling the handler, so it is copied into the job's data here,
 * in memory only: the processor saves a job's state, never its data.
 */
function withDueTimes(backend: AgendaBackend, onLocked: (dueAt: Date) => void): AgendaBackend {
  const repository = new Proxy(backend.repository, {
    get(target, property) {
      if (property === 'getNextJobToRun') {
        return async (...args: Parameters<JobRepository['getNextJobToRun']>) => {
          const job = await target.getNextJobToRun(...args);
          if (!job || job.name !== SCHEDULE_JOB_NAME) return job;
          if (job.nextRunAt) onLocked(new Date(job.nextRunAt));
          return { ...job, data: { ...(job.data as JobData), dueAt: job.nextRunAt ? new Date(job.nextRunAt).toISOString() : null } } as JobParameters;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    name: backend.name,
    repository,
    notificationChannel: backend.notificationChannel,
    logger: backend.logger,
    ownsConnection: backend.ownsConnection,
    connect: () => backend.connect(),
    disconnect: () => backend.disconnect(),
  };
}

export function createScheduleJobs({ backend, processEveryMs, fire, maintenance, logger }: ScheduleJobsOptions): ScheduleJobs {
  // Agenda 6.2.6 runs a job locked ahead of its time from a timer; a timer that fires a
  // millisecond early (timers and Date disagree by that much) finds the job "in the future" and
  // sets no new timer, so the job waits for the next check, up to processEvery late (seen about
  // once in 25 fires). A second look just after the due time runs it.
  const lookAgain = new Set<NodeJS.Timeout>();
  const onLocked = (dueAt: Date) => {
    const inMs = dueAt.getTime() - Date.now() + LOOK_AGAIN_AFTER_MS;
    if (inMs <= 0 || inMs > 2 * processEveryMs) return;
    const timer = setTimeout(() => {
      lookAgain.delete(timer);
      const processor = Reflect.get(agenda, 'jobProcessor') as { jobProcessing?: () => Promise<void> } | undefined;
      void processor?.jobProcessing?.().catch((error: unknown) => logger.warn({ err: error }, 'the scheduler could not look for due jobs'));
    }, inMs);
    timer.unref();
    lookAgain.add(timer);
  };
  const agenda = new Agenda({
    backend: withDueTimes(backend, onLocked),
    // Shown as the job's last_modified_by and in the dashboard; remote job events are told apart by it.
    name: `skipper ${hostname()} ${process.pid} ${randomBytes(3).toString('hex')}`,
    processEvery: processEveryMs,
    maxConcurrency: 50,
  });
  agenda.on('error', (error) => logger.warn({ err: error }, 'the scheduler hit an error; it carries on at its next check'));
  // Unheard, an 'error' of the LISTEN channel would end the process; jobs are still found by polling meanwhile.
  backend.notificationChannel?.on('error', (error) => logger.warn({ err: error }, 'the scheduler\'s LISTEN connection failed; due jobs are still found every processEvery'));

  // A fire only queues a run, in milliseconds: a lock held a minute (or three checks) longer means
  // its instance died, and another takes the job over. Jobs locked early wait up to one check for
  // their time, so the lock must outlive that.
  const lockLifetime = Math.max(60_000, 3 * processEveryMs);
  agenda.define<JobData>(
    SCHEDULE_JOB_NAME,
    async (job: Job<JobData>) => {
      const { scheduleId, ownerId, dueAt } = job.attrs.data;
      await fire({ scheduleId, ownerId, dueAt: dueAt ? new Date(dueAt) : new Date() });
    },
    // Once-only jobs (nextRunAt null after their fire) are removed when done.
    { lockLifetime, concurrency: 50, removeOnComplete: true },
  );
  if (maintenance) agenda.define(MAINTENANCE_JOB_NAME, async () => maintenance.run(), { lockLifetime });

  // Fires under way here, by job id: `stop` waits for them, so their job is saved unlocked before the pool closes.
  const running = new Set<string>();
  let idle: (() => void) | undefined;
  const jobId = (job: { attrs?: { _id?: unknown } }) => String(job.attrs?._id);
  agenda.on('start', (job: Job, remote?: boolean) => {
    if (remote !== true) running.add(jobId(job));
  });
  agenda.on('complete', (job: Job, remote?: boolean) => {
    if (remote === true) return;
    running.delete(jobId(job));
    if (running.size === 0) idle?.();
  });
  // A job's next time is saved as it fires, while it is locked, and no instance hears of it: one
  // due sooner than the next check would wait for that check. Announced once the job is unlocked,
  // every instance tries to lock it at once and fires it on time (polling stays the fallback).
  agenda.on(`complete:${SCHEDULE_JOB_NAME}`, (job: Job, remote?: boolean) => {
    if (remote !== true && job.attrs.nextRunAt && !job.attrs.disabled) void agenda.publishJobNotification(job);
  });

  return {
    agenda,

    async save({ id, ownerId, spec, status }) {
      const job = agenda.create<JobData>(SCHEDULE_JOB_NAME, { scheduleId: id, ownerId }).unique({ 'data.scheduleId': id });
      if (spec.kind === 'once') job.schedule(new Date(spec.at));
      // skipImmediate: an interval's first fire is one interval from now, not now.
      else if (spec.kind === 'interval') job.repeatEvery(spec.everyMs, { skipImmediate: true });
      else job.repeatEvery(spec.cron, { timezone: spec.timezone });
      if (status !== 'active') job.disable();
      await job.save();
    },

    async remove(scheduleId) {
      await agenda.cancel({ name: SCHEDULE_JOB_NAME, data: { scheduleId } });
    },

    async scheduleIds(ownerId) {
      const { jobs } = await agenda.queryJobs({ name: SCHEDULE_JOB_NAME, data: { ownerId } });
      return jobs.map((job) => (job.data as JobData).scheduleId);
    },

    async start() {
      await agenda.start();
      if (maintenance) await agenda.every(maintenance.everyMs, MAINTENANCE_JOB_NAME, undefined, { skipImmediate: true });
    },

    async stop() {
      for (const timer of lookAgain) clearTimeout(timer);
      lookAgain.clear();
      // Releases jobs locked here and not yet started; jobs firing now finish and save themselves unlocked.
      await agenda.stop(false);
      if (running.size > 0) {
        const waited = new AbortController();
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), sleep(STOP_WAIT_MS, undefined, { signal: waited.signal }).catch(() => {})]);
        waited.abort();
      }
      if (running.size > 0) logger.warn({ jobs: running.size }, 'stopped while schedules were still firing; their jobs unlock when their lock expires');
    },
  };
}
