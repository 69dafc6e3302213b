import type { ErrorCode } from '../../protocol/index.ts';
import { sentence } from './sentence.ts';

/** Codes the server sends, plus the ways a request can fail before the server answers. */
export type ApiErrorCode =
  | ErrorCode
  /** fetch failed: offline, DNS, server down. */
  | 'network'
  /** A non-2xx answer without our error body, e.g. a proxy's 502 while the server restarts. */
  | 'unavailable'
  /** A 2xx answer that does not match the protocol. */
  | 'bad-response';

export type ApiErrorIssue = { path: string; message: string };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number | undefined;
  readonly issues: readonly ApiErrorIssue[];

  constructor(
    code: ApiErrorCode,
    message: string,
    options: ErrorOptions & { status?: number; issues?: readonly ApiErrorIssue[] } = {},
  ) {
    super(message, options);
    this.code = code;
    this.status = options.status;
    this.issues = options.issues ?? [];
  }

  static isInstance(error: unknown): error is ApiError {
    return error instanceof ApiError;
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** A sentence a person can act on, for any error a request or action threw. */
export function describeError(error: unknown): string {
  if (!ApiError.isInstance(error)) {
    return `Something went wrong in this page${error instanceof Error ? `: ${sentence(error.message)}` : '.'}`;
  }
  switch (error.code) {
    case 'network':
      return "Can't reach skipper. Check that it is running and that you are online, then try again.";
    case 'timeout':
      return 'skipper took too long to answer. Try again.';
    case 'unavailable':
      return `skipper isn't answering right now${error.status ? ` (HTTP ${error.status})` : ''}. Try again in a moment.`;
    case 'bad-response':
      return 'skipper sent an answer this page does not understand. Reload the page; if it keeps happening, the server and the page may be different versions.';
    default: {
      const details = error.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
      return [sentence(error.message), ...details.map(sentence)].join(' ');
    }
  }
}
