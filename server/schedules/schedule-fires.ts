import type { ScheduleRun } from '../../protocol/index.ts';
import type { PlanService } from '../chat/plan-service.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { ConversationHub } from '../live/conversation-hub.ts';
import type { Logger } from '../logger.ts';
import { textParts, type Store } from '../store/store.ts';
import type { JobFire } from './schedule-jobs.ts';
import { latestDue } from './schedule-spec.ts';

// What a fire does: it runs the schedule's plan again through the plan service, exactly as "Run
// again" in the chat does (a new run, posted in the plan's conversation, queued for a runner),
// and records it in the schedule's history. The fire is claimed first, by due time, so a due time
// is run once even if two instances ever fired it.

export type ScheduleFires = {
  /** Runs the schedule now; `manual` fires are never refused as duplicates. Null when not run (a duplicate, or the schedule is gone). */
  fire(ownerId: string, scheduleId: string, fire: { trigger: ScheduleRun['trigger']; dueAt: Date }): Promise<{ runId: string; conversationId: string } | null>;
  /** A fire from Agenda: run it, or explain in the conversation why it could not run. Never throws. */
  onJob(fire: JobFire): Promise<void>;
};

export type ScheduleFiresOptions = {
  store: Store;
  plans: PlanService;
  hub: ConversationHub;
  logger: Logger;
  /**
   * A fire this late was missed (no instance was running at its time): it runs once as
   * `missed`, standing for the latest time it was due, and the next time is counted from now.
   */
  missedAfterMs: number;
  /** Removes the job of a schedule that is gone (deleted with its conversation). */
  removeJob(scheduleId: string): Promise<void>;
  /** Names this instance in logs, to tell which fired what. */
  instance: string;
  now?: () => Date;
};

export function createScheduleFires(options: ScheduleFiresOptions): ScheduleFires {
  const { store, plans, hub, logger } = options;
  const now = options.now ?? (() => new Date());

  const fires: ScheduleFires = {
    async fire(ownerId, scheduleId, { trigger, dueAt }) {
      const schedule = await store.schedules.get(ownerId, scheduleId);
      if (!schedule) return null;
      const claim = await store.schedules.claimFire(ownerId, scheduleId, { trigger, dueAt });
      if (claim.status === 'duplicate') {
        logger.warn({ scheduleId, dueAt, instance: options.instance }, 'a schedule fired twice for one due time; the second fire was skipped');
        return null;
      }
      if (claim.status === 'gone') return null;
      try {
        const { run, conversationId } = await plans.run(ownerId, schedule.planId);
        await store.schedules.fired(ownerId, claim.fireId, run.id);
        return { runId: run.id, conversationId };
      } catch (error) {
        await store.schedules.abandonFire(ownerId, claim.fireId);
        throw error;
      }
    },

    async onJob({ scheduleId, ownerId, dueAt }) {
      const schedule = await store.schedules.get(ownerId, scheduleId).catch((error: unknown) => {
        logger.error({ err: error, scheduleId }, 'a schedule could not be read when it was due');
        return undefined;
      });
      if (schedule === undefined) return;
      if (!schedule) {
        // Deleted with its conversation: its job goes too.
        await options.removeJob(scheduleId).catch((error: unknown) => logger.warn({ err: error, scheduleId }, 'could not remove the job of a deleted schedule'));
        return;
      }
      // Paused (or edited into a one-off that ran) after this instance locked the job.
      if (schedule.status !== 'active') return;
      const at = now();
      const lateMs = at.getTime() - dueAt.getTime();
      const missed = lateMs > options.missedAfterMs;
      const due = missed ? latestDue(schedule.spec, { firstDue: dueAt, now: at }) : dueAt;
      const trigger = missed ? 'missed' : 'schedule';
      try {
        const fired = await fires.fire(ownerId, scheduleId, { trigger, dueAt: due });
        if (fired) logger.info({ scheduleId, runId: fired.runId, trigger, dueAt: due, lateMs, instance: options.instance }, 'a schedule fired');
      } catch (error) {
        await explainSkip(ownerId, schedule.conversationId, schedule.name, error);
      } finally {
        if (schedule.spec.kind === 'once') {
          await store.schedules.update(ownerId, scheduleId, { status: 'done' }).catch((error: unknown) => logger.error({ err: error, scheduleId }, 'could not mark a one-off schedule done'));
        }
      }
    },
  };

  /** A fire that could not start a run (too many runs waiting, the plan gone) says so where its runs appear. */
  async function explainSkip(ownerId: string, conversationId: string, name: string, error: unknown) {
    if (!SkipperError.isInstance(error)) {
      logger.error({ err: error, conversationId }, 'a schedule fired but its run could not be started');
      return;
    }
    logger.warn({ code: error.code, conversationId }, 'a schedule fired but its run could not be started');
    try {
      const result = await store.messages.appendAssistant(ownerId, conversationId, {
        parts: textParts(`The scheduled run of "${name}" did not start: ${error.message}`),
      });
      if (result?.status === 'appended') hub.publish(result.change);
    } catch (posting) {
      logger.warn({ err: posting, conversationId }, 'could not post why a scheduled run did not start');
    }
  }

  return fires;
}
