import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old a signed request may be, in seconds: Slack's documented replay window. */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; why: string };

/**
 * Verifies a request signed the way Slack signs them: `X-Slack-Signature` is `v0=` and the hex
 * HMAC-SHA256, keyed with the signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`.
 * The body must be the bytes as received, before any parsing; a timestamp more than five
 * minutes from `nowSeconds` is refused (a replayed request); comparison is constant-time.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowSeconds: number;
}): SignatureCheck {
  const { signingSecret, timestamp, signature, rawBody, nowSeconds } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, why: 'X-Slack-Request-Timestamp is missing or not a Unix time' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, why: 'the request is too old (or from the future)' };
  if (!signature?.startsWith('v0=')) return { ok: false, why: 'X-Slack-Signature is missing or not a v0 signature' };
  const expected = Buffer.from(`v0=${signSlackRequest(signingSecret, timestamp, rawBody)}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'the signature does not match' };
  return { ok: true };
}

/** The hex HMAC-SHA256 Slack puts after `v0=` for this timestamp and body. */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}
