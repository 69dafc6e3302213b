import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StorageState } from '../../protocol/index.ts';
import { createSessionCipher } from './session-cipher.ts';
import { sitesOf } from './session-sites.ts';

const STATE: StorageState = {
  cookies: [
    { name: 'sid', value: 'cookie-value-s3cr3t', domain: '.example.com', path: '/', expires: -1, httpOnly: true, secure: true, sameSite: 'Lax' },
    { name: 'pref', value: 'dark', domain: 'app.example.com', path: '/', expires: 1_900_000_000, httpOnly: false, secure: false, sameSite: 'Strict' },
  ],
  origins: [{ origin: 'https://Dashboard.example.org', localStorage: [{ name: 'token', value: 'local-storage-t0ken' }] }],
};

describe('the session cipher', () => {
  const owner = randomUUID();

  it('opens what it sealed, for the same owner and name in any case', () => {
    const cipher = createSessionCipher({ key: randomBytes(32) });
    const sealed = cipher.seal({ ownerId: owner, name: 'Staging', state: STATE });
    expect(cipher.open({ ownerId: owner, name: 'staging', sealed })).toEqual(STATE);
  });

  it('seals nothing readable: no cookie value, no storage value, a new IV each time', () => {
    const cipher = createSessionCipher({ key: randomBytes(32) });
    const sealed = Buffer.from(cipher.seal({ ownerId: owner, name: 'staging', state: STATE }));
    for (const encoding of ['utf8', 'latin1', 'hex', 'base64'] as const) {
      const text = sealed.toString(encoding);
      expect(text).not.toContain('cookie-value-s3cr3t');
      expect(text).not.toContain('local-storage-t0ken');
    }
    expect(sealed[0]).toBe(1);
    const again = Buffer.from(cipher.seal({ ownerId: owner, name: 'staging', state: STATE }));
    expect(again.subarray(1, 13).equals(sealed.subarray(1, 13))).toBe(false);
  });

  it('does not open a state sealed with another key, for another owner or name, or tampered with', () => {
    const key = randomBytes(32);
    const cipher = createSessionCipher({ key });
    const sealed = cipher.seal({ ownerId: owner, name: 'staging', state: STATE });
    expect(createSessionCipher({ key: randomBytes(32) }).open({ ownerId: owner, name: 'staging', sealed })).toBeNull();
    expect(cipher.open({ ownerId: randomUUID(), name: 'staging', sealed })).toBeNull();
    expect(cipher.open({ ownerId: owner, name: 'bank', sealed })).toBeNull();
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(cipher.open({ ownerId: owner, name: 'staging', sealed: tampered })).toBeNull();
    expect(cipher.open({ ownerId: owner, name: 'staging', sealed: sealed.subarray(0, 20) })).toBeNull();
    expect(cipher.open({ ownerId: owner, name: 'staging', sealed: Uint8Array.from([2, ...sealed.subarray(1)]) })).toBeNull();
  });

  it('wants a 32-byte key', () => {
    expect(() => createSessionCipher({ key: randomBytes(16) })).toThrow(/32 bytes/);
  });
});

describe('the sites of a browser state', () => {
  it('are its cookie domains and storage hosts, without leading dots, in lower case, once each', () => {
    expect(sitesOf(STATE)).toEqual(['app.example.com', 'dashboard.example.org', 'example.com']);
    expect(sitesOf({ cookies: [], origins: [{ origin: 'not a url', localStorage: [] }] })).toEqual([]);
  });
});
