import { hostname } from 'node:os';
import { z } from 'zod';
import { envBoolean, envInt, envVar, parseEnv } from '../protocol/index.ts';

const RunnerEnvSchema = z.object({
  SERVER_URL: envVar(
    z
      .url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL such as ws://localhost:3000/ws/runner' })
      .default('ws://localhost:3000/ws/runner'),
  ),
  RUNNER_TOKEN: envVar(
    z.string({ error: 'is required: use the same value as the server' }).min(16, 'must be at least 16 characters'),
  ),
  RUNNER_NAME: envVar(z.string().min(1).max(200).optional()),
  RUNNER_CONCURRENCY: envInt({ default: 2, min: 1, max: 16 }),
  BROWSER_CDP_URL: envVar(z.url({ protocol: /^(https?|wss?)$/ }).optional()),
  HEADLESS: envBoolean(true),
  LOG_LEVEL: envVar(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn')),
});

export type RunnerConfig = {
  serverUrl: string;
  token: string;
  /** Shown to the operator. Default: host name and process id. */
  name: string;
  /** Runs executed at once, each in its own browser context. */
  concurrency: number;
  /** Attach to this Chromium instead of launching one. */
  cdpUrl?: string;
  headless: boolean;
  logLevel: string;
};

export function loadRunnerConfig(env: Record<string, string | undefined>): RunnerConfig {
  const parsed = parseEnv(RunnerEnvSchema, env);
  return {
    serverUrl: parsed.SERVER_URL,
    token: parsed.RUNNER_TOKEN,
    name: parsed.RUNNER_NAME ?? `${hostname()}-${process.pid}`,
    concurrency: parsed.RUNNER_CONCURRENCY,
    ...(parsed.BROWSER_CDP_URL && { cdpUrl: parsed.BROWSER_CDP_URL }),
    headless: parsed.HEADLESS,
    logLevel: parsed.LOG_LEVEL,
  };
}
