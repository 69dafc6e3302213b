import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import { ApiError } from './api-error.ts';

/** Errors body-parser raises, recognised by their `type`. */
type BodyParserError = Error & { type?: string; status?: number };

function toApiError(error: unknown): ApiError | null {
  if (ApiError.isInstance(error)) return error;
  const { type } = error as BodyParserError;
  if (type === 'entity.parse.failed') return new ApiError(400, 'invalid-request', 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return new ApiError(413, 'payload-too-large', 'The request body is too large.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError(415, 'invalid-request', 'Send the body as UTF-8 JSON.');
  }
  return null;
}

/** Every failure leaves as JSON in the documented shape; unexpected ones are logged and kept vague. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const apiError = toApiError(error) ?? new ApiError(500, 'internal', 'Something went wrong on our side. Please try again.');
    if (apiError.status >= 500) logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    if (response.headersSent) return;
    const body: ApiErrorBody = {
      error: { code: apiError.code, message: apiError.message, ...(apiError.issues && { issues: apiError.issues }) },
    };
    response.status(apiError.status).json(body);
  };
}

export const apiNotFound: RequestHandler = (request) => {
  throw new ApiError(404, 'not-found', `There is no API endpoint ${request.method} ${request.path}.`);
};
