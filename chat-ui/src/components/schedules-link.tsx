import { SCHEDULES_PATH } from '../schedule-route.ts';
import { followLink } from '../use-route.ts';

/** The sidebar's way to the Schedules page; marked as the current page while it is shown. */
export function SchedulesLink({ current, onNavigate }: { current: boolean; onNavigate(): void }) {
  return (
    <nav className="sidebar-pages" aria-label="Pages">
      <a
        href={SCHEDULES_PATH}
        className="sidebar-page-link"
        aria-current={current ? 'page' : undefined}
        data-testid="schedules-link"
        onClick={(event) => {
          followLink(event, SCHEDULES_PATH);
          onNavigate();
        }}
      >
        <svg className="sidebar-page-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <g fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
            <circle cx="10" cy="10" r="7.25" />
            <path d="M10 5.75V10l2.75 1.75" />
          </g>
        </svg>
        Schedules
      </a>
    </nav>
  );
}
