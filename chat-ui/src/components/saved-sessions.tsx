import { formatFullTime } from '../format-time.ts';
import { describeSessionDates, describeSites } from '../session-summary.ts';
import type { SavedSessions as SavedSessionsState } from '../use-saved-sessions.ts';
import { ActionButton } from './action-button.tsx';
import { RequestButton } from './request-button.tsx';

/**
 * The sidebar's "Saved sessions": the sign-ins runs kept (`save the session as "staging"`), each
 * with the sites it holds, when it was saved and expires, and Delete. Listed when opened.
 */
export function SavedSessions({ state }: { state: SavedSessionsState }) {
  const { sessions, loading, error, load, remove } = state;
  return (
    <details
      className="saved-sessions"
      data-testid="saved-sessions"
      onToggle={(event) => {
        if (event.currentTarget.open && !loading) load();
      }}
    >
      <summary>Saved sessions</summary>
      <p className="sidebar-note">
        A run can keep its sign-in (cookies and storage) under a name, so later runs start signed in: save the session as "staging", then use my "staging" session.
      </p>
      {error && <RequestButton label="Try again" busyLabel="Loading…" busy={loading} error={error} onClick={load} />}
      {sessions === null && loading && <p className="sidebar-note">Loading sessions…</p>}
      {sessions?.length === 0 && <p className="sidebar-note">No saved sessions yet.</p>}
      {sessions && sessions.length > 0 && (
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.name} className="session">
              <p className="session-name">{session.name}</p>
              <p className="session-detail">{describeSites(session.sites)}</p>
              <p className="session-detail" title={`Saved ${formatFullTime(session.savedAt)}, expires ${formatFullTime(session.expiresAt)}`}>
                {describeSessionDates(session)}
              </p>
              <ActionButton
                label={
                  <>
                    Delete<span className="visually-hidden"> the session “{session.name}”</span>
                  </>
                }
                pendingLabel="Deleting…"
                action={() => remove(session.name)}
              />
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
