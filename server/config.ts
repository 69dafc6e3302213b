import { z } from 'zod';
import { envInt, envVar, parseEnv } from '../protocol/index.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const ServerEnvSchema = z.object({
  PORT: envInt({ default: 3000, min: 0, max: 65_535 }),
  HOST: envVar(z.string().min(1).default('127.0.0.1')),
  PUBLIC_URL: envVar(z.url({ protocol: /^https?$/ }).optional()),
  DATABASE_URL: envVar(
    z
      .string()
      .refine((url) => !/^mongodb(\+srv)?:/.test(url), {
        message: 'MongoDB is not supported yet; use a postgres:// URL or leave it unset',
        abort: true,
      })
      .refine((url) => /^postgres(ql)?:\/\//.test(url), 'expected a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: envVar(z.string().min(1).default('./data')),
  RUNNER_TOKEN: envVar(
    z.string({ error: 'is required: runners authenticate with it (npm start sets one for you)' }).min(16, 'must be at least 16 characters'),
  ),
  RUN_LEASE_MS: envInt({ default: 30_000, min: 1_000, max: 3_600_000 }),
  RUN_MAX_ATTEMPTS: envInt({ default: 2, min: 1, max: 10 }),
  RUN_MAX_DURATION_MS: envInt({ default: 15 * 60_000, min: 1_000, max: 24 * 3_600_000 }),
  RUN_MAX_QUEUED_PER_USER: envInt({ default: 50, min: 1, max: 100_000 }),
  RUNNER_RECONNECT_GRACE_MS: envInt({ default: 15_000, min: 0, max: 3_600_000 }),
  RUNNER_MAX_CAPACITY: envInt({ default: 16, min: 1, max: 64 }),
  HTTP_HEADERS_TIMEOUT_MS: envInt({ default: 10_000, min: 1_000, max: 600_000 }),
  HTTP_REQUEST_TIMEOUT_MS: envInt({ default: 30_000, min: 1_000, max: 3_600_000 }),
  STEP_TIMEOUT_MS: envInt({ default: 10_000, min: 100, max: 120_000 }),
  SCREENSHOT_QUALITY: envInt({ default: 70, min: 1, max: 100 }),
  LOG_LEVEL: envVar(z.enum(LOG_LEVELS).default('warn')),
  OPENAI_API_KEY: envVar(z.string().min(1).optional()),
  LLM_BASE_URL: envVar(z.url({ protocol: /^https?$/ }).optional()),
  LLM_MODEL: envVar(z.string().min(1).optional()),
  LLM_TIMEOUT_MS: envInt({ default: 60_000, min: 1_000, max: 600_000 }),
}).refine((env) => !env.LLM_BASE_URL || env.LLM_MODEL, {
  path: ['LLM_MODEL'],
  message: 'is required with LLM_BASE_URL: name the model the server should use (e.g. llama3.1)',
});

/** The model used with OPENAI_API_KEY alone. */
const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini';

export type ServerConfig = {
  port: number;
  host: string;
  /** Where people reach skipper; printed at start. Default http://localhost:PORT. */
  publicUrl?: string;
  /** Use this PostgreSQL server; without it an embedded one runs in `dataDir/pg`. */
  databaseUrl?: string;
  dataDir: string;
  runnerToken: string;
  /** How long a runner holds a run without a heartbeat before it is taken back. */
  runLeaseMs: number;
  /** Attempts a run gets when its runner is lost; step failures are not retried. */
  runMaxAttempts: number;
  /** The longest one attempt of a run may take before it is stopped. */
  runMaxDurationMs: number;
  /** Runs one person may have waiting at once. */
  runMaxQueuedPerUser: number;
  /** How long a disconnected runner's runs wait for it to reconnect (at most the lease). */
  runnerReconnectGraceMs: number;
  /** Most runs one runner is given at once, whatever capacity it announces. */
  runnerMaxCapacity: number;
  /** Time a client has to send a request's headers, and the whole request. */
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  stepTimeoutMs: number;
  screenshotQuality: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** The language model for free-form requests; absent when neither OPENAI_API_KEY nor LLM_BASE_URL is set. */
  llm?: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number };
};

export function loadServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = parseEnv(ServerEnvSchema, env);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    ...(parsed.PUBLIC_URL && { publicUrl: parsed.PUBLIC_URL }),
    ...(parsed.DATABASE_URL && { databaseUrl: parsed.DATABASE_URL }),
    dataDir: parsed.DATA_DIR,
    runnerToken: parsed.RUNNER_TOKEN,
    runLeaseMs: parsed.RUN_LEASE_MS,
    runMaxAttempts: parsed.RUN_MAX_ATTEMPTS,
    runMaxDurationMs: parsed.RUN_MAX_DURATION_MS,
    runMaxQueuedPerUser: parsed.RUN_MAX_QUEUED_PER_USER,
    runnerReconnectGraceMs: parsed.RUNNER_RECONNECT_GRACE_MS,
    runnerMaxCapacity: parsed.RUNNER_MAX_CAPACITY,
    httpHeadersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_MS,
    httpRequestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
    stepTimeoutMs: parsed.STEP_TIMEOUT_MS,
    screenshotQuality: parsed.SCREENSHOT_QUALITY,
    logLevel: parsed.LOG_LEVEL,
    ...((parsed.OPENAI_API_KEY || parsed.LLM_BASE_URL) && {
      llm: {
        ...(parsed.OPENAI_API_KEY && { apiKey: parsed.OPENAI_API_KEY }),
        ...(parsed.LLM_BASE_URL && { baseUrl: parsed.LLM_BASE_URL }),
        model: parsed.LLM_MODEL ?? DEFAULT_OPENAI_MODEL,
        timeoutMs: parsed.LLM_TIMEOUT_MS,
      },
    }),
  };
}
