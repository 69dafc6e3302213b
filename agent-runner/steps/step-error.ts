import type { ErrorCode } from '../../protocol/index.ts';

/**
 * The codes a step can fail with; they cross the wire unchanged in `step-end` and `run-end`.
 * An AI step also fails with the code the server gave its model call (`budget-exceeded`,
 * `model-unavailable`, `invalid-request`, `internal`).
 */
export type StepErrorCode = Extract<
  ErrorCode,
  | 'target-not-found'
  | 'timeout'
  | 'navigation-failed'
  | 'assertion-failed'
  | 'action-failed'
  | 'browser-error'
  | 'cancelled'
  | 'budget-exceeded'
  | 'model-unavailable'
  | 'invalid-request'
  | 'internal'
>;

const marker = Symbol.for('skipper.StepError');

/** Why a step failed, with a message meant for the person who asked for the run. */
export class StepError extends Error {
  readonly code: StepErrorCode;
  readonly [marker] = true;

  constructor(code: StepErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StepError';
    this.code = code;
  }

  /** True for instances from any copy of this module (`instanceof` fails across copies). */
  static isInstance(error: unknown): error is StepError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
