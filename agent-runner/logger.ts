import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout; the runner token never appears in them. */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({ name: options.name, level: options.level, redact: { paths: ['token', '*.token', 'headers.authorization'], censor: '[redacted]' } });
}
