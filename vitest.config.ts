import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,server,agent-runner,chat-ui,scripts,evals,test}/**/*.test.{ts,tsx}'],
    // One embedded PostgreSQL for the whole run; each test file gets its own database.
    globalSetup: ['server/store/testing/postgres-global-setup.ts'],
    pool: 'forks',
    // Two files at once even on 2 cores (vitest's default is one fewer than the cores): most
    // tests wait on Chromium, sockets and PostgreSQL rather than compute.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/report.json' }]],
  },
});
