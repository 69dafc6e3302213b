import type { RequestHandler, Response } from 'express';

/**
 * Sets the user each request acts for. There is one local user for now; sign-in
 * (passport) will replace this middleware without touching the routes.
 */
export function actAs(ownerId: string): RequestHandler {
  return (_request, response, next) => {
    response.locals.ownerId = ownerId;
    next();
  };
}

export function ownerOf(response: Response): string {
  return response.locals.ownerId as string;
}
