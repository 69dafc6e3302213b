import type { RequestHandler } from 'express';
import { SkipperError } from '../errors/skipper-error.ts';

/**
 * Refuses a body announced larger than `maxBytes` before reading any of it, and closes the
 * connection: body-parser would wait for the whole announced body before answering, so a
 * client announcing gigabytes and sending nothing would hold the connection until it timed out.
 */
export function bodySizeLimit(maxBytes: number): RequestHandler {
  return (request, response, next) => {
    const announced = Number(request.headers['content-length'] ?? 0);
    if (!(announced > maxBytes)) {
      next();
      return;
    }
    response.set('Connection', 'close');
    next(new SkipperError('payload-too-large', `The request body is too large: send at most ${Math.floor(maxBytes / 1024)} KB.`));
  };
}
