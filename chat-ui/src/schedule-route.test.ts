import { describe, expect, it } from 'vitest';
import { parseScheduleRoute, schedulePath } from './schedule-route.ts';

describe('the Schedules page address', () => {
  it('reads the page and the schedule whose history is open', () => {
    expect(parseScheduleRoute('/schedules')).toEqual({ page: 'schedules', scheduleId: null });
    expect(parseScheduleRoute('/schedules/')).toEqual({ page: 'schedules', scheduleId: null });
    expect(parseScheduleRoute('/schedules/abc-123')).toEqual({ page: 'schedules', scheduleId: 'abc-123' });
    expect(parseScheduleRoute('/schedules/%E0%A4%A')).toEqual({ page: 'schedules', scheduleId: '%E0%A4%A' });
    expect(parseScheduleRoute('/')).toBeNull();
    expect(parseScheduleRoute('/c/abc')).toBeNull();
    expect(parseScheduleRoute('/schedules/a/b')).toBeNull();
  });

  it('makes the addresses it reads', () => {
    expect(schedulePath()).toBe('/schedules');
    expect(parseScheduleRoute(schedulePath('a b'))).toEqual({ page: 'schedules', scheduleId: 'a b' });
  });
});
