import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../server/store/testing/test-database.ts';
import { runFaultInjection } from './harness/fault-injection.ts';

// The short version of scripts/fault-injection.ts (`npm run chaos` runs the long one).

describe('runs under fire', () => {
  let database: TestDatabase;
  afterAll(() => database?.drop());

  it('loses no run, leaves none stuck, and shows every attempt while the runner and server are killed at random', async () => {
    database = await createTestDatabase();
    const report = await runFaultInjection({ databaseUrl: database.url, runs: 16, runnerKills: 3, serverKills: 2 });
    // The seed replays the same choices: pass it as `seed` to reproduce a failure.
    expect(report, `seed ${report.seed}`).toMatchObject({ runsFound: 16, runnerKills: 3, serverKills: 2, violations: [] });
    expect(Object.values(report.outcomes).reduce((total, count) => total + count, 0)).toBe(16);
  }, 110_000);
});
