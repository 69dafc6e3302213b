import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEMO_SESSION_COOKIE = 'skipper_demo_session';

/** Issues and checks the demo's sign-in cookie. */
export interface DemoSessions {
  /** The cookie value that proves `email` signed in. */
  issue(email: string): string;
  /** The signed-in email named by a request's Cookie header, or undefined. */
  read(cookieHeader: string | undefined): string | undefined;
}

/**
 * Sessions are signed cookies (`base64url(email).hmac`) with a key made per router, so they keep
 * no state on the server and a hand-made cookie does not sign anyone in. A restart signs everyone out,
 * which is fine for a demo.
 */
export function createDemoSessions(): DemoSessions {
  const key = randomBytes(32);
  const sign = (email: string) => createHmac('sha256', key).update(email).digest();
  return {
    issue(email) {
      return `${Buffer.from(email).toString('base64url')}.${sign(email).toString('base64url')}`;
    },
    read(cookieHeader) {
      const value = readCookie(cookieHeader, DEMO_SESSION_COOKIE);
      const [encodedEmail, signature, ...rest] = value?.split('.') ?? [];
      if (encodedEmail === undefined || signature === undefined || rest.length > 0) return undefined;
      const email = Buffer.from(encodedEmail, 'base64url').toString();
      const expected = sign(email);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected) ? email : undefined;
    },
  };
}

function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  for (const pair of cookieHeader?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
