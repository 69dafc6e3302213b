import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// A schedule's webhook secret signs what skipper sends, so it must be readable again; it is
// stored only sealed with AES-256-GCM, under a key derived (HKDF) from the key saved browser
// sessions use, and bound to its owner. A sealed secret is [version 1][12-byte IV][16-byte tag][ciphertext].

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type WebhookSecretCipher = {
  seal(input: { ownerId: string; secret: string }): Uint8Array;
  /** The secret, or null when it does not open (another key: SESSION_SECRET changed; another owner; damaged). */
  open(input: { ownerId: string; sealed: Uint8Array }): string | null;
};

/** `key`: the server's session key (see sessions/session-key.ts); a key of its own is derived from it. */
export function createWebhookSecretCipher({ key }: { key: Uint8Array }): WebhookSecretCipher {
  const derived = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'skipper schedule webhook secret', 32));
  const boundTo = (ownerId: string) => Buffer.from(`skipper webhook secret\0${ownerId}`);

  return {
    seal({ ownerId, secret }) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', derived, iv);
      cipher.setAAD(boundTo(ownerId));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
    },

    open({ ownerId, sealed }) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null;
      const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      const decipher = createDecipheriv('aes-256-gcm', derived, bytes.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(boundTo(ownerId));
      decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
