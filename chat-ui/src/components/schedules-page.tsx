import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ScheduleView } from '../../../protocol/index.ts';
import type { ApiClient } from '../api-client.ts';
import { schedulePath } from '../schedule-route.ts';
import { browserTimeZone } from '../schedule-time.ts';
import { navigate } from '../use-route.ts';
import { useSchedules } from '../use-schedules.ts';
import { ScheduleCard, type ScheduleCardActions } from './schedule-card.tsx';
import { ScheduleCreateForm } from './schedule-create-form.tsx';
import { ConfirmDeleteDialog } from './confirm-delete-dialog.tsx';
import { ScreenshotLightbox, type LightboxImage } from './screenshot-lightbox.tsx';

/** How often "in 5 minutes" is brought up to date. */
const CLOCK_TICK_MS = 30_000;

type SchedulesPageProps = {
  api: ApiClient;
  /** The schedule whose history is open (`/schedules/:id`). */
  openId: string | null;
};

/**
 * The Schedules page: saved tasks that run on their own, each with when it runs (as written), its
 * next run in the person's zone, its last result and its actions; and a form to make one from a task.
 */
export function SchedulesPage({ api, openId }: SchedulesPageProps) {
  const state = useSchedules(api);
  const { schedules, error, loading, refresh, create, pause, resume, runNow, update, remove, apply, lastRunNow } = state;
  const [timeZone] = useState(browserTimeZone);
  const [now, setNow] = useState(() => new Date());
  const [announcement, setAnnouncement] = useState('');
  const [lightbox, setLightbox] = useState<LightboxImage | null>(null);
  const [deleting, setDeleting] = useState<{ schedule: ScheduleView; opener: HTMLElement } | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const headings = useRef(new Map<string, HTMLHeadingElement>());
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  const listHeadingId = useId();

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  // Each new list is a moment to bring relative times up to date too.
  useEffect(() => setNow(new Date()), [schedules]);

  // After a schedule is created, focus goes to it, once it is rendered.
  useEffect(() => {
    if (focusId === null) return;
    const heading = headings.current.get(focusId);
    if (!heading) return;
    heading.focus();
    heading.scrollIntoView({ block: 'nearest' });
    setFocusId(null);
  }, [focusId, schedules]);

  const announce = useCallback((message: string) => {
    // Cleared first, so the same words said twice are read twice.
    setAnnouncement('');
    requestAnimationFrame(() => setAnnouncement(message));
  }, []);

  const actions = useMemo(
    (): ScheduleCardActions => ({
      pause,
      resume,
      runNow,
      update,
      apply,
      announce,
      askToDelete: (schedule, opener) => setDeleting({ schedule, opener }),
      toggleHistory: (scheduleId, open) => navigate(open ? schedulePath(scheduleId) : schedulePath(), { replace: true }),
      openScreenshot: setLightbox,
    }),
    [pause, resume, runNow, update, apply, announce],
  );

  async function deleteSchedule(schedule: ScheduleView) {
    await remove(schedule.id);
    setDeleting(null);
    if (openId === schedule.id) navigate(schedulePath(), { replace: true });
    announce(`Deleted the schedule “${schedule.name}”.`);
    // Its card is gone: focus goes to the list's heading rather than to the page's start.
    listHeadingRef.current?.focus();
  }

  return (
    <div className="thread-scroller">
      <div className="schedules-page" data-testid="schedules-page">
        <p className="schedules-lead">
          Tasks skipper runs on its own, at the times you give. Each run is posted in the schedule’s conversation. Times are shown in your
          time zone, <strong data-testid="schedules-time-zone">{timeZone}</strong>.
        </p>

        <ScheduleCreateForm
          timeZone={timeZone}
          onCreate={create}
          onCreated={(schedule) => {
            setFocusId(schedule.id);
            announce(`Created the schedule “${schedule.name}”.`);
          }}
        />

        <section className="schedules-list-section" aria-labelledby={listHeadingId} aria-busy={loading && schedules === null}>
          <h2 id={listHeadingId} ref={listHeadingRef} tabIndex={-1} className="schedules-heading">
            Your schedules{schedules && schedules.length > 0 && <span className="schedules-count"> ({schedules.length})</span>}
          </h2>
          {error && (
            <div className="inline-error" role="alert">
              <p>The schedules could not be listed. {error}</p>
              <button type="button" className="button button--quiet" disabled={loading} onClick={refresh}>
                {loading ? 'Loading…' : 'Try again'}
              </button>
            </div>
          )}
          {schedules === null && !error && <p className="schedule-muted">Loading schedules…</p>}
          {schedules?.length === 0 && (
            <p className="schedules-empty" data-testid="schedules-empty">
              No schedules yet. Write a task and when to run it above, like “go to example.com and take a screenshot”, every weekday at
              9:00.
            </p>
          )}
          {schedules && schedules.length > 0 && (
            <ul className="schedule-list">
              {schedules.map((schedule) => (
                <li key={schedule.id}>
                  <ScheduleCard
                    schedule={schedule}
                    api={api}
                    timeZone={timeZone}
                    now={now}
                    historyOpen={openId === schedule.id}
                    runNowAt={lastRunNow?.scheduleId === schedule.id ? lastRunNow.at : undefined}
                    actions={actions}
                    headingRef={(heading) => {
                      if (heading) headings.current.set(schedule.id, heading);
                      else headings.current.delete(schedule.id);
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
          {openId !== null && schedules && !schedules.some((schedule) => schedule.id === openId) && !loading && (
            <p className="schedule-muted">The schedule in this address is not listed: it may have been deleted.</p>
          )}
        </section>

        <p className="visually-hidden" role="status" data-testid="schedules-announcement">
          {announcement}
        </p>
      </div>
      {lightbox && <ScreenshotLightbox image={lightbox} onClose={() => setLightbox(null)} />}
      {deleting && (
        <ConfirmDeleteDialog
          title={`Delete the schedule “${deleting.schedule.name}”?`}
          description="It will not run again. Its conversation, with the runs it already made, stays."
          deleteLabel="Delete schedule"
          testId="schedule-delete-dialog"
          onDelete={() => deleteSchedule(deleting.schedule)}
          onClose={() => {
            // Cancelled: focus goes back to the Delete that opened it.
            if (deleting.opener.isConnected) deleting.opener.focus();
            setDeleting(null);
          }}
        />
      )}
    </div>
  );
}

// Loaded apart (React.lazy, schedules-page-loader.tsx), when the page is first opened.
export default SchedulesPage;
