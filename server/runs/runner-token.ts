import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks an `Authorization` header against the runner token, in constant time (both sides are
 * hashed first, so neither the token's length nor its content leaks through timing). Used by the
 * runner socket and the runner's HTTP endpoints.
 */
export function createRunnerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
