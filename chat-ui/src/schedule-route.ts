import { useRoute } from './use-route.ts';

// The Schedules page's address: `/schedules`, or `/schedules/:id` with that schedule's history open.

export const SCHEDULES_PATH = '/schedules';

const SCHEDULES_ROUTE = /^\/schedules(?:\/([^/]+))?\/?$/;

export type ScheduleRoute = { page: 'schedules'; scheduleId: string | null } | null;

export function schedulePath(scheduleId?: string): string {
  return scheduleId === undefined ? SCHEDULES_PATH : `${SCHEDULES_PATH}/${encodeURIComponent(scheduleId)}`;
}

/** The Schedules page, with the schedule whose history is open; null for any other page. */
export function parseScheduleRoute(pathname: string): ScheduleRoute {
  const match = SCHEDULES_ROUTE.exec(pathname);
  if (!match) return null;
  const encoded = match[1];
  if (encoded === undefined) return { page: 'schedules', scheduleId: null };
  try {
    return { page: 'schedules', scheduleId: decodeURIComponent(encoded) };
  } catch {
    return { page: 'schedules', scheduleId: encoded };
  }
}

/** The Schedules route of the address shown; re-renders on every navigation, as `useRoute` does. */
export function useScheduleRoute(): ScheduleRoute {
  // useRoute subscribes to every change of address (navigate and back/forward); the path is then read as it is now.
  useRoute();
  return parseScheduleRoute(window.location.pathname);
}
