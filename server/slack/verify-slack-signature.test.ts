import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from './verify-slack-signature.ts';

// Slack's published example ("Verifying requests from Slack"): proves the base string is built
// exactly as Slack builds it, which a round trip through our own signer could not.
const SLACK_EXAMPLE = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  rawBody: Buffer.from(
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  ),
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const NOW = Number(SLACK_EXAMPLE.timestamp) + 30;

describe('Slack request signatures', () => {
  it("accepts Slack's published example", () => {
    expect(verifySlackSignature({ ...SLACK_EXAMPLE, nowSeconds: NOW })).toEqual({ ok: true });
  });

  it.each([
    ['a wrong signature', { signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504' }, /does not match/],
    ['a body changed after signing', { rawBody: Buffer.from(`${SLACK_EXAMPLE.rawBody}x`) }, /does not match/],
    ['a replay with a new timestamp', { timestamp: String(NOW) }, /does not match/],
    ['another secret', { signingSecret: '8f742231b10e8888abcd99yyyzzz85a6' }, /does not match/],
    ['a stale timestamp', { timestamp: String(NOW - 301) }, /too old/],
    ['a timestamp from the future', { timestamp: String(NOW + 301) }, /too old/],
    ['no timestamp', { timestamp: undefined }, /Timestamp is missing/],
    ['no signature', { signature: undefined }, /Signature is missing/],
    ['a v1 signature', { signature: 'v1=abc' }, /not a v0 signature/],
    ['a short signature', { signature: 'v0=a2' }, /does not match/],
  ])('refuses %s', (_name, change, why) => {
    const check = verifySlackSignature({ ...SLACK_EXAMPLE, nowSeconds: NOW, ...change });
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.why).toMatch(why);
  });

  it('accepts exactly what it signs, for any body and secret, and nothing one byte off', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.string({ minLength: 1, maxLength: 64 }), fc.nat(299), (body, secret, age) => {
        const rawBody = Buffer.from(body);
        const timestamp = String(NOW - age);
        const signature = `v0=${signSlackRequest(secret, timestamp, rawBody)}`;
        expect(verifySlackSignature({ signingSecret: secret, timestamp, signature, rawBody, nowSeconds: NOW }).ok).toBe(true);
        const flipped = Buffer.concat([rawBody, Buffer.from([1])]);
        expect(verifySlackSignature({ signingSecret: secret, timestamp, signature, rawBody: flipped, nowSeconds: NOW }).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
