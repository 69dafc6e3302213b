import type { ErrorCode } from '../../protocol/index.ts';

export type ApiIssue = { path: string; message: string };

/** An error meant for the client: sent as `{ error: { code, message, issues? } }` with `status`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly issues: ApiIssue[] | undefined;

  constructor(status: number, code: ErrorCode, message: string, issues?: ApiIssue[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  static isInstance(error: unknown): error is ApiError {
    return error instanceof ApiError;
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not-found', `No ${what} with that id.`);
  }
}
