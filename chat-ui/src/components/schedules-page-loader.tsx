import { Suspense, lazy } from 'react';
import type { ComponentProps } from 'react';

// The Schedules page is loaded apart (React.lazy), when it is first opened: most visits never do.
const SchedulesPage = lazy(() => import('./schedules-page.tsx'));

export function SchedulesPageLoader(props: ComponentProps<typeof SchedulesPage>) {
  return (
    <Suspense
      fallback={
        <div className="thread-scroller">
          <p className="thread-placeholder">Loading schedules…</p>
        </div>
      }
    >
      <SchedulesPage {...props} />
    </Suspense>
  );
}
