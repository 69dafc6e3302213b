import { z } from 'zod';
import { envInt, envVar, MAX_SESSION_TTL_DAYS, parseEnv } from '../protocol/index.ts';
import { PriceTableSchema, type ModelPrice } from './models/price-table.ts';
import { describeDuration } from './schedules/schedule-spec.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Milliseconds in each unit a duration may be written in. */
const DURATION_UNITS: Record<string, number> = {
  ...Object.fromEntries(['', 'ms', 'millisecond', 'milliseconds'].map((unit) => [unit, 1])),
  ...Object.fromEntries(['s', 'sec', 'secs', 'second', 'seconds'].map((unit) => [unit, 1_000])),
  ...Object.fromEntries(['m', 'min', 'mins', 'minute', 'minutes'].map((unit) => [unit, 60_000])),
  ...Object.fromEntries(['h', 'hr', 'hrs', 'hour', 'hours'].map((unit) => [unit, 3_600_000])),
};

/** A duration, as people write it ("1 minute", "30 seconds", "500 ms") or in milliseconds ("60000"), within bounds. */
function envDuration(options: { default: string; min: number; max: number }) {
  return envVar(
    z
      .string()
      .default(options.default)
      .transform((value, context) => {
        const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
        const size = match ? DURATION_UNITS[match[2]!.toLowerCase()] : undefined;
        if (!match || size === undefined) {
          context.addIssue({ code: 'custom', message: 'is not a duration: write it like "1 minute", "30 seconds", "500 ms", or a number of milliseconds' });
          return z.NEVER;
        }
        const ms = Math.round(Number(match[1]) * size);
        if (ms < options.min || ms > options.max) {
          context.addIssue({ code: 'custom', message: `must be from ${describeDuration(options.min)} to ${describeDuration(options.max)}, not ${describeDuration(ms)}` });
          return z.NEVER;
        }
        return ms;
      }),
  );
}

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
  AI_STEP_TIMEOUT_MS: envInt({ default: 60_000, min: 1_000, max: 600_000 }),
  SCREENSHOT_QUALITY: envInt({ default: 70, min: 1, max: 100 }),
  SESSION_SECRET: envVar(z.string().min(32, 'must be at least 32 characters (saved browser sessions are encrypted with a key derived from it)').optional()),
  SESSION_TTL_DAYS: envInt({ default: 30, min: 1, max: MAX_SESSION_TTL_DAYS }),
  SCHEDULE_MIN_INTERVAL: envDuration({ default: '1 minute', min: 1_000, max: 86_400_000 }),
  SCHEDULE_MAX_PER_USER: envInt({ default: 50, min: 1, max: 10_000 }),
  SCHEDULE_PROCESS_EVERY: envDuration({ default: '5 seconds', min: 100, max: 300_000 }),
  SLACK_SIGNING_SECRET: envVar(z.string().min(16, "is too short: copy the Signing Secret from your Slack app's Basic Information page").optional()),
  LOG_LEVEL: envVar(z.enum(LOG_LEVELS).default('warn')),
  OPENAI_API_KEY: envVar(z.string().min(1).optional()),
  LLM_BASE_URL: envVar(z.url({ protocol: /^https?$/ }).optional()),
  LLM_MODEL: envVar(z.string().min(1).optional()),
  LLM_PLANNER_MODEL: envVar(z.string().min(1).optional()),
  LLM_BROWSER_MODEL: envVar(z.string().min(1).optional()),
  LLM_API: envVar(z.enum(['chat', 'responses']).optional()),
  LLM_TIMEOUT_MS: envInt({ default: 60_000, min: 1_000, max: 600_000 }),
  LLM_MAX_RETRIES: envInt({ default: 2, min: 0, max: 10 }),
  LLM_PRICES: envVar(
    z
      .string()
      .transform((value, context) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'is not JSON: expected {"model": {"input": 0.4, "output": 1.6}} in USD per million tokens' });
          return z.NEVER;
        }
      })
      .pipe(PriceTableSchema)
      .optional(),
  ),
  LLM_DAILY_TOKENS_PER_USER: envInt({ default: 2_000_000, min: 0, max: 1_000_000_000_000 }),
  LLM_TOKENS_PER_RUN: envInt({ default: 200_000, min: 0, max: 1_000_000_000_000 }),
  LLM_HISTORY_TOKENS: envInt({ default: 12_000, min: 500, max: 1_000_000 }),
  LLM_MAX_STEPS: envInt({ default: 6, min: 1, max: 50 }),
  // No default here: it depends on LLM_BASE_URL.
  LLM_IMAGES: envVar(z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => ['true', '1', 'yes'].includes(value)).optional()),
  REPAIR_MAX_ATTEMPTS: envInt({ default: 2, min: 0, max: 10 }),
  LLM_BREAKER_FAILURES: envInt({ default: 5, min: 1, max: 1_000 }),
  LLM_BREAKER_COOLDOWN_MS: envInt({ default: 30_000, min: 100, max: 3_600_000 }),
}).refine((env) => !env.LLM_BASE_URL || env.LLM_MODEL, {
  path: ['LLM_MODEL'],
  message: 'is required with LLM_BASE_URL: name the model the server should use (e.g. llama3.1)',
});

/** The model used with OPENAI_API_KEY alone. */
const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini';

export type LlmConfig = {
  /** OpenAI key; local OpenAI-compatible servers usually need none. */
  apiKey?: string;
  /** An OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, OpenRouter) instead of OpenAI. */
  baseUrl?: string;
  /** Chat Completions (every compatible server has it) or OpenAI's Responses API. Default: responses on OpenAI, chat elsewhere. */
  api: 'chat' | 'responses';
  /** The assistant that talks with the person. */
  chatModel: string;
  /** Writes and repairs plans. Default: the chat model. */
  plannerModel: string;
  /** Decides AI steps in the browser. Default: the chat model. */
  browserModel: string;
  /** Longest one model call may take. */
  timeoutMs: number;
  /** Retries of a call that failed with 429 or 5xx (honouring Retry-After). */
  maxRetries: number;
  /** USD per million tokens by model, over the built-in table. */
  prices: Record<string, ModelPrice>;
  /** Tokens one person's model calls may use per day (UTC); 0 for no limit. */
  dailyTokensPerUser: number;
  /** Tokens the model calls of one run may use; 0 for no limit. */
  tokensPerRun: number;
  /** Most tokens of conversation history sent with a request; older messages are left out first. */
  historyTokens: number;
  /** Most model calls in one reply (each tool call costs one). */
  maxSteps: number;
  /** Whether the planner model reads images (repairs then include the failed step's screenshot). Default: yes on OpenAI, no elsewhere. */
  images: boolean;
  /** Repairs in a row of a plan whose run failed at a step; 0 turns repair off. */
  repairMaxAttempts: number;
  breaker: { failures: number; cooldownMs: number };
};

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
  /** Default time an AI step may take, its model calls included. */
  aiStepTimeoutMs: number;
  screenshotQuality: number;
  /**
   * Saved browser sessions are encrypted with a key derived from it; without it, with a random
   * key kept in `dataDir/session.key`. 32+ characters.
   */
  sessionSecret?: string;
  /** How long a saved browser session is kept, in days. */
  sessionTtlDays: number;
  /** Closest together two fires of one schedule may be. */
  scheduleMinIntervalMs: number;
  /** Schedules one person may have. */
  scheduleMaxPerUser: number;
  /** How often each instance looks for schedules due soon (Agenda's processEvery). */
  scheduleProcessEveryMs: number;
  /** Verifies Slack's slash commands (`POST /api/slack/commands`); without it there is no Slack endpoint. Never logged. */
  slackSigningSecret?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** The language model for free-form requests; absent when neither OPENAI_API_KEY nor LLM_BASE_URL is set. */
  llm?: LlmConfig;
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
    aiStepTimeoutMs: parsed.AI_STEP_TIMEOUT_MS,
    screenshotQuality: parsed.SCREENSHOT_QUALITY,
    ...(parsed.SESSION_SECRET && { sessionSecret: parsed.SESSION_SECRET }),
    sessionTtlDays: parsed.SESSION_TTL_DAYS,
    scheduleMinIntervalMs: parsed.SCHEDULE_MIN_INTERVAL,
    scheduleMaxPerUser: parsed.SCHEDULE_MAX_PER_USER,
    scheduleProcessEveryMs: parsed.SCHEDULE_PROCESS_EVERY,
    ...(parsed.SLACK_SIGNING_SECRET && { slackSigningSecret: parsed.SLACK_SIGNING_SECRET }),
    logLevel: parsed.LOG_LEVEL,
    ...((parsed.OPENAI_API_KEY || parsed.LLM_BASE_URL) && {
      llm: llmConfig(parsed),
    }),
  };
}

function llmConfig(parsed: z.output<typeof ServerEnvSchema>): LlmConfig {
  const chatModel = parsed.LLM_MODEL ?? DEFAULT_OPENAI_MODEL;
  return {
    ...(parsed.OPENAI_API_KEY && { apiKey: parsed.OPENAI_API_KEY }),
    ...(parsed.LLM_BASE_URL && { baseUrl: parsed.LLM_BASE_URL }),
    api: parsed.LLM_API ?? (parsed.LLM_BASE_URL ? 'chat' : 'responses'),
    chatModel,
    plannerModel: parsed.LLM_PLANNER_MODEL ?? chatModel,
    browserModel: parsed.LLM_BROWSER_MODEL ?? chatModel,
    timeoutMs: parsed.LLM_TIMEOUT_MS,
    maxRetries: parsed.LLM_MAX_RETRIES,
    prices: parsed.LLM_PRICES ?? {},
    dailyTokensPerUser: parsed.LLM_DAILY_TOKENS_PER_USER,
    tokensPerRun: parsed.LLM_TOKENS_PER_RUN,
    historyTokens: parsed.LLM_HISTORY_TOKENS,
    maxSteps: parsed.LLM_MAX_STEPS,
    images: parsed.LLM_IMAGES ?? !parsed.LLM_BASE_URL,
    repairMaxAttempts: parsed.REPAIR_MAX_ATTEMPTS,
    breaker: { failures: parsed.LLM_BREAKER_FAILURES, cooldownMs: parsed.LLM_BREAKER_COOLDOWN_MS },
  };
}
