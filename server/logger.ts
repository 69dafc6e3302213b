import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs, whatever object they appear in. */
const SECRET_PATHS = [
  'token',
  '*.token',
  'runnerToken',
  '*.runnerToken',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'apiKey',
  '*.apiKey',
  'sessionSecret',
  '*.sessionSecret',
  'slackSigningSecret',
  '*.slackSigningSecret',
  'signingSecret',
  '*.signingSecret',
  // A Slack response_url lets anyone who has it post into the conversation.
  'responseUrl',
  '*.responseUrl',
  // Browser states (saved sessions) hold cookies and tokens.
  'storageState',
  '*.storageState',
  'cookies',
  '*.cookies',
];

/** JSON lines on stdout; secrets are redacted by path. */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({ name: options.name, level: options.level, redact: { paths: SECRET_PATHS, censor: '[redacted]' } });
}
