import type { ScheduleView } from '../../../protocol/index.ts';
import type { ApiClient } from '../api-client.ts';
import { describeHistory, describeScheduleRun } from '../schedule-summary.ts';
import { useScheduleHistory } from '../use-schedules.ts';
import { RequestButton } from './request-button.tsx';
import { StatusIcon } from './status-icon.tsx';

type ScheduleHistoryProps = {
  api: ApiClient;
  schedule: ScheduleView;
  id: string;
  timeZone: string;
  /** When Run now last started a run of this schedule. */
  runNowAt: number | undefined;
  onSchedule(schedule: ScheduleView): void;
};

/** A schedule's runs, newest first: how each ended, when it was due, when it ended and how long it took, and why it failed. */
export function ScheduleHistory({ api, schedule, id, timeZone, runNowAt, onSchedule }: ScheduleHistoryProps) {
  const { runs, error, loading, reload } = useScheduleHistory(api, schedule.id, runNowAt, onSchedule);
  return (
    <section id={id} className="schedule-history" aria-label={`History of “${schedule.name}”`} data-testid="schedule-history">
      {error && <RequestButton label="Try again" busyLabel="Loading…" busy={loading} error={`The history could not be read. ${error}`} onClick={reload} />}
      {runs === null && !error && <p className="schedule-muted">Loading its runs…</p>}
      {runs && (
        <>
          <p className="schedule-muted" aria-live="polite">
            {describeHistory(runs)}
          </p>
          {runs.length > 0 && (
            <ol className="schedule-runs">
              {runs.map((run) => {
                const row = describeScheduleRun(run, { timeZone });
                return (
                  <li key={run.runId} className={`schedule-run schedule-run--${run.status}`} data-testid="schedule-run" data-status={run.status}>
                    <span className="schedule-run-status">
                      <StatusIcon status={run.status} />
                      {row.statusLabel}
                    </span>
                    <span className="schedule-run-trigger" title={row.triggerTitle}>
                      {row.trigger}
                    </span>
                    <span className="schedule-run-time">
                      <span className="schedule-run-label">Due </span>
                      <time dateTime={run.dueAt}>{row.due}</time>
                    </span>
                    <span className="schedule-run-time">
                      {run.endedAt === undefined ? (
                        row.ended
                      ) : (
                        <>
                          <span className="schedule-run-label">Ended </span>
                          <time dateTime={run.endedAt}>{row.ended}</time>
                        </>
                      )}
                    </span>
                    {row.error && <p className="schedule-run-error">{row.error}</p>}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
