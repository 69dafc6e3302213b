import type { ScheduleRun, ScheduleStatus, ScheduleView } from '../../protocol/index.ts';
import { FINAL_RUN_STATUSES, formatDuration } from '../../protocol/index.ts';
import { formatClockTime, formatZonedTime, type TimeOptions } from './schedule-time.ts';
import { sentence } from './sentence.ts';
import { RUN_STATUS_LABELS } from './status-labels.ts';

// Words for a schedule's status and for each run in its history.

export const SCHEDULE_STATUS_LABELS: Record<ScheduleStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  done: 'Done',
};

/** A sentence under the status, saying what it means for the next runs. */
export function describeScheduleStatus(status: ScheduleStatus): string {
  switch (status) {
    case 'active':
      return 'Runs at its times.';
    case 'paused':
      return 'Paused: it will not run until it is resumed.';
    case 'done':
      return 'Done: it ran its one time.';
  }
}

const TRIGGER_LABELS: Record<ScheduleRun['trigger'], string> = {
  schedule: 'On time',
  missed: 'Caught up',
  manual: 'Run now',
};

/** Why a run started: at its time, late because skipper was down at its time, or asked for with Run now. */
export const TRIGGER_TITLES: Record<ScheduleRun['trigger'], string> = {
  schedule: 'Started at its scheduled time.',
  missed: 'Its time passed while skipper was not running; it ran as soon as skipper was back.',
  manual: 'Started with Run now, outside its times.',
};

/** One run of a schedule, as its history row shows it. */
export type ScheduleRunRow = {
  runId: string;
  status: ScheduleRun['status'];
  statusLabel: string;
  trigger: string;
  triggerTitle: string;
  /** When it was due (for Run now, when it was asked for). */
  due: string;
  /** "9:00:12 AM (12.0 s)" once it ended; "Still running" or "Waiting for a browser" before. */
  ended: string;
  /** Why it failed, as a sentence. */
  error: string | undefined;
  screenshotArtifactId: string | undefined;
};

export function isRunFinished(run: Pick<ScheduleRun, 'status'>): boolean {
  return FINAL_RUN_STATUSES.includes(run.status);
}

/** How long a run took, from when it was queued to when it ended; undefined until it ends. */
export function runDurationMs(run: Pick<ScheduleRun, 'createdAt' | 'endedAt'>): number | undefined {
  if (run.endedAt === undefined) return undefined;
  return Math.max(0, Date.parse(run.endedAt) - Date.parse(run.createdAt));
}

export function describeScheduleRun(run: ScheduleRun, options: TimeOptions = {}): ScheduleRunRow {
  const duration = runDurationMs(run);
  return {
    runId: run.runId,
    status: run.status,
    statusLabel: RUN_STATUS_LABELS[run.status],
    trigger: TRIGGER_LABELS[run.trigger],
    triggerTitle: TRIGGER_TITLES[run.trigger],
    due: formatZonedTime(run.dueAt, options),
    ended:
      run.endedAt === undefined
        ? run.status === 'queued'
          ? 'Waiting for a browser'
          : 'Still running'
        : `${formatClockTime(run.endedAt, options)}${duration === undefined ? '' : ` (${formatDuration(duration)})`}`,
    error: run.error && run.status !== 'succeeded' ? sentence(run.error.message) : undefined,
    screenshotArtifactId: run.screenshotArtifactId,
  };
}

/** The last run in one line: "Succeeded, due Mon, Dec 1, 9:00 AM GMT+1, in 12.0 s", or "No runs yet". */
export function describeLastRun(run: ScheduleRun | undefined, options: TimeOptions = {}): string {
  if (!run) return 'No runs yet.';
  const due = formatZonedTime(run.dueAt, options);
  const status = RUN_STATUS_LABELS[run.status];
  const duration = runDurationMs(run);
  switch (run.status) {
    case 'queued':
      return `Queued, due ${due}: waiting for a browser.`;
    case 'running':
      return `Running, due ${due}.`;
    default:
      return `${status}, due ${due}${duration === undefined ? '' : `, in ${formatDuration(duration)}`}.`;
  }
}

/** "3 runs: 2 succeeded, 1 failed", newest first, for the history's caption. */
export function describeHistory(runs: readonly ScheduleRun[]): string {
  if (runs.length === 0) return 'No runs yet: it runs at its next time, or now with Run now.';
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  const parts = [...counts].map(([status, count]) => `${count} ${status}`);
  return `${runs.length} ${runs.length === 1 ? 'run' : 'runs'}, newest first: ${parts.join(', ')}.`;
}

/** The schedule named in screen-reader-only text of its buttons ("Pause the schedule “Daily prices”"). */
export function scheduleLabel(schedule: Pick<ScheduleView, 'name'>): string {
  return `the schedule “${schedule.name}”`;
}
