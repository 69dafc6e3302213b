import type { ErrorCode } from '../../protocol/index.ts';

export type ErrorIssue = { path: string; message: string };

const MARKER = Symbol.for('skipper.error');

/**
 * The one error the domain throws on purpose: a stable code from protocol/errors.ts and a
 * message a person can act on. Services know nothing of HTTP; the HTTP and socket edges map
 * the code to a status or a frame (ARCHITECTURE D13).
 */
export class SkipperError extends Error {
  readonly code: ErrorCode;
  /** Which fields were wrong, for `invalid-request`. */
  readonly issues: ErrorIssue[] | undefined;
  private readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options: { issues?: ErrorIssue[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SkipperError';
    this.code = code;
    this.issues = options.issues;
  }

  /** Works across copies of this module, unlike instanceof. */
  static isInstance(error: unknown): error is SkipperError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }

  static notFound(what: string): SkipperError {
    return new SkipperError('not-found', `No ${what} with that id.`);
  }
}
