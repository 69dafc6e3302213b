import { describe, expect, it } from 'vitest';
import { formatShortTime } from './format-time.ts';
import { describeSessionDates, describeSites } from './session-summary.ts';

describe('saved sessions', () => {
  it.each<[string[], string]>([
    [[], 'no sites yet'],
    [['example.com'], 'example.com'],
    [['a.com', 'b.com'], 'a.com and b.com'],
    [['a.com', 'b.com', 'c.com'], 'a.com, b.com and c.com'],
    [['a.com', 'b.com', 'c.com', 'd.com'], 'a.com, b.com, c.com and 1 more site'],
    [['a.com', 'b.com', 'c.com', 'd.com', 'e.com'], 'a.com, b.com, c.com and 2 more sites'],
  ])('sites %j', (sites, text) => {
    expect(describeSites(sites)).toBe(text);
  });

  it('says when it was saved and when it expires, or that it has', () => {
    const now = new Date('2025-03-01T12:00:00Z');
    const savedAt = '2025-02-01T12:00:00Z';
    expect(describeSessionDates({ savedAt, expiresAt: '2025-04-01T12:00:00Z' }, now)).toBe(
      `Saved ${formatShortTime(savedAt, now)} · expires ${formatShortTime('2025-04-01T12:00:00Z', now)}`,
    );
    expect(describeSessionDates({ savedAt, expiresAt: '2025-03-01T11:00:00Z' }, now)).toBe(`Saved ${formatShortTime(savedAt, now)} · expired`);
  });
});
