import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook } from './schedule-webhooks.ts';
import { createWebhookSecretCipher } from './webhook-secret.ts';

describe('webhook secrets', () => {
  const key = randomBytes(32);
  const cipher = createWebhookSecretCipher({ key });

  it('opens what it sealed, for the same owner, and never stores the secret in clear', () => {
    const sealed = cipher.seal({ ownerId: 'owner-a', secret: 'a-secret-of-16-chars' });
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('a-secret');
    expect(cipher.open({ ownerId: 'owner-a', sealed })).toBe('a-secret-of-16-chars');
    // Sealed twice, it differs (a fresh IV each time).
    expect(Buffer.from(cipher.seal({ ownerId: 'owner-a', secret: 'a-secret-of-16-chars' }))).not.toEqual(Buffer.from(sealed));
  });

  it('does not open for another owner, under another key, or damaged', () => {
    const sealed = cipher.seal({ ownerId: 'owner-a', secret: 'a-secret-of-16-chars' });
    expect(cipher.open({ ownerId: 'owner-b', sealed })).toBeNull();
    expect(createWebhookSecretCipher({ key: randomBytes(32) }).open({ ownerId: 'owner-a', sealed })).toBeNull();
    const damaged = Uint8Array.from(sealed);
    damaged[damaged.length - 1]! ^= 1;
    expect(cipher.open({ ownerId: 'owner-a', sealed: damaged })).toBeNull();
    expect(cipher.open({ ownerId: 'owner-a', sealed: new Uint8Array(3) })).toBeNull();
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256, as receivers check it', () => {
    const body = '{"type":"schedule-run-ended"}';
    const expected = createHmac('sha256', 'secret').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook({ secret: 'secret', timestamp: '1700000000', body })).toBe(`sha256=${expected}`);
  });
});
