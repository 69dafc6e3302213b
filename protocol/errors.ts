import { z } from 'zod';
import { text } from './text.ts';

/**
 * Every error code that crosses a boundary (HTTP, WebSocket, runner events).
 * Clients branch on the code; the message is for people.
 */
export const ERROR_CODES = [
  // requests
  'invalid-request',
  'invalid-frame',
  'invalid-id',
  'not-found',
  'payload-too-large',
  'unsupported-media-type',
  'unsupported-protocol-version',
  'unauthorized',
  'forbidden-origin',
  'conflict',
  'unrecognized-command',
  'too-many-runs',
  /** The person has as many schedules as allowed (SCHEDULE_MAX_PER_USER). */
  'too-many-schedules',
  'budget-exceeded',
  'model-unavailable',
  'internal',
  // runs and steps
  'target-not-found',
  'timeout',
  'navigation-failed',
  'assertion-failed',
  'action-failed',
  'browser-error',
  'runner-lost',
  /** The runner was lost during a step that may have changed something outside the browser; the run was not repeated. */
  'unsafe-to-retry',
  'cancelled',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** Longest error message accepted on the wire. */
export const MAX_ERROR_MESSAGE_LENGTH = 4_000;

/** What an error looks like on the wire: a stable code and a message a person can act on. */
export const ErrorInfoSchema = z.strictObject({
  code: ErrorCodeSchema,
  message: text().max(MAX_ERROR_MESSAGE_LENGTH),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

/** The body of every non-2xx HTTP response. */
export const ApiErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: ErrorCodeSchema,
    message: z.string(),
    /** Which fields were wrong, for `invalid-request`. */
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
