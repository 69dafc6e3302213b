import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody, ErrorCode } from '../../protocol/index.ts';
import { SkipperError } from '../errors/skipper-error.ts';
import type { Logger } from '../logger.ts';

/** The HTTP status of each error code; only this edge knows HTTP (ARCHITECTURE D13). */
const STATUS: Record<ErrorCode, number> = {
  'invalid-request': 400,
  'invalid-frame': 400,
  'invalid-id': 400,
  'unsupported-protocol-version': 400,
  unauthorized: 401,
  'forbidden-origin': 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'unrecognized-command': 422,
  'too-many-runs': 429,
  'too-many-schedules': 429,
  'budget-exceeded': 429,
  'model-unavailable': 503,
  internal: 500,
  // Run and step outcomes; they reach HTTP only inside a run's view, never as a response.
  'target-not-found': 500,
  timeout: 500,
  'navigation-failed': 500,
  'assertion-failed': 500,
  'action-failed': 500,
  'browser-error': 500,
  'runner-lost': 500,
  'unsafe-to-retry': 500,
  cancelled: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** Errors raised by Express, body-parser and http-errors carry a 4xx `status` and say whether their message is safe to show. */
type HttpLibraryError = Error & { type?: string; status?: number; statusCode?: number; expose?: boolean };

function toSkipperError(error: unknown): SkipperError | null {
  if (SkipperError.isInstance(error)) return error;
  if (error instanceof URIError) return new SkipperError('invalid-request', 'The address is not valid: it contains broken percent-encoding.');
  const { type, status, statusCode } = error as HttpLibraryError;
  if (type === 'entity.parse.failed') return new SkipperError('invalid-request', 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return new SkipperError('payload-too-large', 'The request body is too large.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new SkipperError('unsupported-media-type', 'Send the body as UTF-8 JSON, without a Content-Encoding.');
  }
  // Anything else the HTTP libraries reject (a body that does not match its Content-Encoding or
  // Content-Length, an aborted upload...) is the request's fault: say so without their wording.
  const httpStatus = status ?? statusCode;
  if (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) {
    return new SkipperError('invalid-request', 'The request could not be read: check its body and headers.');
  }
  return null;
}

/** Every failure leaves as JSON in the documented shape; unexpected ones are logged and kept vague. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = toSkipperError(error);
    const skipperError = known ?? new SkipperError('internal', 'Something went wrong on our side. Please try again.');
    const status = statusOf(skipperError.code);
    if (status >= 500) logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    if (response.headersSent) return;
    const body: ApiErrorBody = {
      error: { code: skipperError.code, message: skipperError.message, ...(skipperError.issues && { issues: skipperError.issues }) },
    };
    response.status(status).json(body);
  };
}

/** For requests no route takes, such as `POST /health`: a 404 in the documented shape, not Express's HTML page. */
export const notFound: RequestHandler = (request) => {
  throw new SkipperError('not-found', `There is no endpoint ${request.method} ${request.path.slice(0, 200)}.`);
};
