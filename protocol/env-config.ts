import { z } from 'zod';

// Environment variables are a boundary too (ARCHITECTURE D10). Server and runner parse
// theirs once, at start, with these helpers; protocol/ is the only code they share.

/** A bad environment variable; the message names each one and what was wrong. */
export class ConfigError extends Error {
  readonly code = 'invalid-config';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }

  static isInstance(error: unknown): error is ConfigError {
    return error instanceof Error && (error as { code?: unknown }).code === 'invalid-config';
  }
}

/** An optional variable: unset and empty (`FOO=`) both mean "use the default". */
export function envVar<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

/** A whole number from a variable, within bounds. */
export function envInt(options: { default: number; min: number; max: number }) {
  return envVar(z.coerce.number().int().min(options.min).max(options.max).default(options.default));
}

/** "true"/"1"/"yes" or "false"/"0"/"no". */
export function envBoolean(defaultValue: boolean) {
  return envVar(
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(defaultValue ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );
}

/** Parses `env` with `schema`, or throws a ConfigError that lists every bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `- ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
