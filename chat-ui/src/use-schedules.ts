import { useCallback, useEffect, useRef, useState } from 'react';
import type { CreateScheduleBody, ScheduleRun, ScheduleView, UpdateScheduleBody } from '../../protocol/index.ts';
import type { ApiClient } from './api-client.ts';
import { ApiError, describeError } from './api-error.ts';
import { isRunFinished } from './schedule-summary.ts';

/** How often the list is read again while the page is shown: next runs move on and last results come in. */
const LIST_REFRESH_MS = 30_000;
/** How often an open history is read again while one of its runs has not ended. */
const HISTORY_REFRESH_MS = 2_000;
/** How long after Run now the history is read again, even before it lists the new run. */
const WATCH_AFTER_RUN_NOW_MS = 15_000;

export type RunNowAsked = { scheduleId: string; at: number };

export type Schedules = {
  /** Newest first, as the server lists them; null until listed. */
  schedules: readonly ScheduleView[] | null;
  /** Why listing them failed, in words for people. */
  error: string | null;
  loading: boolean;
  /** Lists them again. */
  refresh(): void;
  /** Each rejects with the ApiError the server answered, for the form or button to show; the list changes only once it succeeded. */
  create(body: CreateScheduleBody): Promise<ScheduleView>;
  update(scheduleId: string, body: UpdateScheduleBody): Promise<ScheduleView>;
  pause(scheduleId: string): Promise<ScheduleView>;
  resume(scheduleId: string): Promise<ScheduleView>;
  runNow(scheduleId: string): Promise<void>;
  remove(scheduleId: string): Promise<void>;
  /** Puts a schedule read elsewhere (its history) in its place in the list. */
  apply(schedule: ScheduleView): void;
  /** The last Run now that succeeded, so its schedule's history reads its runs again and watches for the new one. */
  lastRunNow: RunNowAsked | null;
};

/** The person's schedules, read when the page opens and every 30 s while it is shown. */
export function useSchedules(api: ApiClient): Schedules {
  const [schedules, setSchedules] = useState<ScheduleView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [lastRunNow, setLastRunNow] = useState<RunNowAsked | null>(null);
  const latest = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    setLoading(true);
    api.listSchedules({ signal: controller.signal }).then(
      (listed) => {
        setSchedules(listed);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(describeError(reason));
        setLoading(false);
      },
    );
  }, [api]);

  useEffect(() => {
    refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, LIST_REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      latest.current?.abort();
    };
  }, [refresh]);

  const apply = useCallback((schedule: ScheduleView) => {
    setSchedules((current) => current && current.map((item) => (item.id === schedule.id ? schedule : item)));
  }, []);

  const create = useCallback(
    async (body: CreateScheduleBody) => {
      const created = await api.createSchedule(body);
      setSchedules((current) => [created, ...(current ?? []).filter((item) => item.id !== created.id)]);
      return created;
    },
    [api],
  );

  const update = useCallback(
    async (scheduleId: string, body: UpdateScheduleBody) => {
      const updated = await api.updateSchedule(scheduleId, body);
      apply(updated);
      return updated;
    },
    [api, apply],
  );

  const pause = useCallback(
    async (scheduleId: string) => {
      const paused = await api.pauseSchedule(scheduleId);
      apply(paused);
      return paused;
    },
    [api, apply],
  );

  const resume = useCallback(
    async (scheduleId: string) => {
      const resumed = await api.resumeSchedule(scheduleId);
      apply(resumed);
      return resumed;
    },
    [api, apply],
  );

  const runNow = useCallback(
    async (scheduleId: string) => {
      await api.runScheduleNow(scheduleId);
      setLastRunNow({ scheduleId, at: Date.now() });
    },
    [api],
  );

  const remove = useCallback(
    async (scheduleId: string) => {
      try {
        await api.deleteSchedule(scheduleId);
      } catch (reason) {
        // Deleted meanwhile, e.g. from another tab: what was asked for is done.
        if (!(ApiError.isInstance(reason) && reason.code === 'not-found')) throw reason;
      }
      setSchedules((current) => current && current.filter((item) => item.id !== scheduleId));
    },
    [api],
  );

  return { schedules, error, loading, refresh, create, update, pause, resume, runNow, remove, apply, lastRunNow };
}

export type ScheduleHistory = {
  /** Newest first; null until read. */
  runs: readonly ScheduleRun[] | null;
  error: string | null;
  loading: boolean;
  reload(): void;
};

/**
 * One schedule's runs, read when its history is opened and again after its Run now
 * (`runNowAt`), every 2 s while one of them has not ended or the Run now is less than 15 s old
 * (the new run may be listed a moment later). Each read also updates the schedule in the list
 * (`onSchedule`), so its last result and next run follow.
 */
export function useScheduleHistory(api: ApiClient, scheduleId: string, runNowAt: number | undefined, onSchedule: (schedule: ScheduleView) => void): ScheduleHistory {
  const [runs, setRuns] = useState<ScheduleRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [watching, setWatching] = useState(false);
  const latest = useRef<AbortController | null>(null);
  const onScheduleRef = useRef(onSchedule);
  useEffect(() => {
    onScheduleRef.current = onSchedule;
  }, [onSchedule]);

  const reload = useCallback(() => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    setLoading(true);
    api.getSchedule(scheduleId, { signal: controller.signal }).then(
      (detail) => {
        setRuns(detail.runs);
        setError(null);
        setLoading(false);
        onScheduleRef.current(detail.schedule);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(describeError(reason));
        setLoading(false);
      },
    );
  }, [api, scheduleId]);

  useEffect(() => {
    reload();
    return () => latest.current?.abort();
  }, [reload, runNowAt]);

  useEffect(() => {
    const left = runNowAt === undefined ? 0 : runNowAt + WATCH_AFTER_RUN_NOW_MS - Date.now();
    if (left <= 0) return;
    setWatching(true);
    const timer = setTimeout(() => setWatching(false), left);
    return () => {
      clearTimeout(timer);
      setWatching(false);
    };
  }, [runNowAt]);

  const unfinished = runs?.some((run) => !isRunFinished(run)) ?? false;
  useEffect(() => {
    if (!unfinished && !watching) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, HISTORY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [unfinished, watching, reload]);

  return { runs, error, loading, reload };
}
