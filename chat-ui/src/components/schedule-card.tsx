import { useId, useRef, useState } from 'react';
import type { ReactNode, Ref } from 'react';
import type { ScheduleView, UpdateScheduleBody } from '../../../protocol/index.ts';
import type { ApiClient } from '../api-client.ts';
import { artifactUrl } from '../api-client.ts';
import { describeError } from '../api-error.ts';
import { describeLastRun, describeScheduleStatus, SCHEDULE_STATUS_LABELS } from '../schedule-summary.ts';
import { describeNextRun, formatZonedTime } from '../schedule-time.ts';
import { sentence } from '../sentence.ts';
import { conversationPath, followLink } from '../use-route.ts';
import { ScheduleEditForm } from './schedule-edit-form.tsx';
import { ScheduleHistory } from './schedule-history.tsx';
import type { LightboxImage } from './screenshot-lightbox.tsx';
import { StatusIcon } from './status-icon.tsx';

export type ScheduleCardActions = {
  pause(scheduleId: string): Promise<unknown>;
  resume(scheduleId: string): Promise<unknown>;
  runNow(scheduleId: string): Promise<void>;
  update(scheduleId: string, body: UpdateScheduleBody): Promise<unknown>;
  /** Opens the confirmation; the page deletes. */
  askToDelete(schedule: ScheduleView, opener: HTMLElement): void;
  /** Shows or hides its history (one open at a time, in the address). */
  toggleHistory(scheduleId: string, open: boolean): void;
  /** Says what an action did, for screen readers. */
  announce(message: string): void;
  /** Puts the schedule as its history read it in the list. */
  apply(schedule: ScheduleView): void;
  openScreenshot(image: LightboxImage): void;
};

type ScheduleCardProps = {
  schedule: ScheduleView;
  api: ApiClient;
  timeZone: string;
  /** Re-rendered as time passes, so "in 5 minutes" stays true. */
  now: Date;
  historyOpen: boolean;
  runNowAt: number | undefined;
  actions: ScheduleCardActions;
  headingRef?: Ref<HTMLHeadingElement>;
};

type ActionName = 'pause' | 'resume' | 'run';

/** One schedule: what it does and when, its next run in the person's zone, its last result, its actions and, when open, its history. */
export function ScheduleCard({ schedule, api, timeZone, now, historyOpen, runNowAt, actions, headingRef }: ScheduleCardProps) {
  const [pending, setPending] = useState<ActionName | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const editRef = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  const historyId = useId();
  const next = describeNextRun(schedule, { timeZone, now });
  const lastRun = schedule.lastRun;
  const label = `“${schedule.name}”`;

  async function act(name: ActionName, action: () => Promise<unknown>, done: string) {
    if (pending !== null) return;
    setPending(name);
    setError(null);
    try {
      await action();
      actions.announce(done);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setPending(null);
    }
  }

  function closeEditor(saved: boolean) {
    setEditing(false);
    editRef.current?.focus();
    if (saved) actions.announce(`Saved ${label}.`);
  }

  return (
    <article className={`schedule-card schedule-card--${schedule.status}`} aria-labelledby={headingId} data-testid="schedule" data-status={schedule.status} data-id={schedule.id}>
      <div className="schedule-card-main">
        <div className="schedule-card-text">
          <div className="schedule-card-title">
            <h3 id={headingId} ref={headingRef} tabIndex={-1} className="schedule-name">
              {schedule.name}
            </h3>
            <span className={`schedule-badge schedule-badge--${schedule.status}`} data-testid="schedule-status" title={describeScheduleStatus(schedule.status)}>
              <span className="schedule-badge-mark" aria-hidden="true" />
              {SCHEDULE_STATUS_LABELS[schedule.status]}
            </span>
          </div>
          <dl className="schedule-facts">
            <Fact term="When">
              <span data-testid="schedule-when">{schedule.when}</span>
            </Fact>
            <Fact term="Next run">
              {next.dateTime ? (
                <time dateTime={next.dateTime} data-testid="schedule-next-run">
                  {next.text}
                </time>
              ) : (
                <span data-testid="schedule-next-run">{next.text}</span>
              )}
            </Fact>
            <Fact term="Last run">
              <span className="schedule-last-run" data-testid="schedule-last-run" data-status={lastRun?.status ?? 'none'}>
                {lastRun && <StatusIcon status={lastRun.status} />}
                <span>{describeLastRun(lastRun, { timeZone })}</span>
              </span>
              {lastRun?.error && lastRun.status !== 'succeeded' && <span className="schedule-run-error">{sentence(lastRun.error.message)}</span>}
            </Fact>
            {schedule.prompt && (
              <Fact term="Task">
                <span className="schedule-prompt">{schedule.prompt}</span>
              </Fact>
            )}
          </dl>
          <a
            className="schedule-conversation"
            href={conversationPath(schedule.conversationId)}
            onClick={(event) => followLink(event, conversationPath(schedule.conversationId))}
          >
            Open its conversation<span className="visually-hidden">, of {label}</span>
          </a>
        </div>
        {lastRun?.screenshotArtifactId && (
          <ScheduleScreenshot
            artifactId={lastRun.screenshotArtifactId}
            alt={`Last screenshot of ${label}, from the run due ${formatZonedTime(lastRun.dueAt, { timeZone })}`}
            onOpen={actions.openScreenshot}
          />
        )}
      </div>

      {editing && (
        <ScheduleEditForm
          schedule={schedule}
          timeZone={timeZone}
          onSave={async (body) => {
            await actions.update(schedule.id, body);
          }}
          onClose={closeEditor}
        />
      )}

      <div className="card-actions schedule-actions">
        <button
          type="button"
          className="button button--quiet schedule-action"
          aria-disabled={pending !== null || undefined}
          onClick={() =>
            void act(
              'run',
              async () => {
                await actions.runNow(schedule.id);
                if (!historyOpen) actions.toggleHistory(schedule.id, true);
              },
              `Started a run of ${label}; it is listed in its history.`,
            )
          }
        >
          {pending === 'run' ? 'Starting…' : 'Run now'}
          <span className="visually-hidden"> {label}</span>
        </button>
        {schedule.status !== 'done' && (
          <button
            type="button"
            className="button button--quiet schedule-action"
            aria-disabled={pending !== null || undefined}
            onClick={() =>
              schedule.status === 'paused'
                ? void act('resume', () => actions.resume(schedule.id), `Resumed ${label}.`)
                : void act('pause', () => actions.pause(schedule.id), `Paused ${label}: it will not run until it is resumed.`)
            }
          >
            {pending === 'pause' ? 'Pausing…' : pending === 'resume' ? 'Resuming…' : schedule.status === 'paused' ? 'Resume' : 'Pause'}
            <span className="visually-hidden"> {label}</span>
          </button>
        )}
        <button
          type="button"
          ref={editRef}
          className="button button--quiet schedule-action"
          aria-expanded={editing}
          onClick={() => (editing ? closeEditor(false) : setEditing(true))}
        >
          Edit<span className="visually-hidden"> {label}</span>
        </button>
        <button
          type="button"
          className="button button--quiet schedule-action"
          aria-expanded={historyOpen}
          aria-controls={historyOpen ? historyId : undefined}
          onClick={() => actions.toggleHistory(schedule.id, !historyOpen)}
        >
          History<span className="visually-hidden"> of {label}</span>
        </button>
        <button type="button" className="button button--quiet schedule-action schedule-action--danger" onClick={(event) => actions.askToDelete(schedule, event.currentTarget)}>
          Delete<span className="visually-hidden"> {label}</span>
        </button>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}

      {historyOpen && <ScheduleHistory api={api} schedule={schedule} id={historyId} timeZone={timeZone} runNowAt={runNowAt} onSchedule={actions.apply} />}
    </article>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="schedule-fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The last run's last screenshot, loaded only when scrolled into view; it opens full size. */
function ScheduleScreenshot({ artifactId, alt, onOpen }: { artifactId: string; alt: string; onOpen(image: LightboxImage): void }) {
  const [broken, setBroken] = useState(false);
  const src = artifactUrl(artifactId);
  if (broken) return <p className="schedule-muted schedule-thumb-missing">The last screenshot could not be loaded.</p>;
  return (
    <button type="button" className="step-thumb schedule-thumb" title="Enlarge the last screenshot" onClick={(event) => onOpen({ src, alt, opener: event.currentTarget })}>
      <img data-testid="schedule-screenshot" src={src} alt={alt} loading="lazy" decoding="async" onError={() => setBroken(true)} />
    </button>
  );
}
