import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StorageStateSchema, type StorageState } from '../../protocol/index.ts';

// Saved browser sessions hold credentials (session cookies, tokens in local storage): they are
// stored only encrypted, with AES-256-GCM. A sealed state is
//   [version 1][12-byte IV][16-byte tag][ciphertext]
// and is bound (as additional data) to its owner and name, so a sealed state copied to another
// owner's row, or another name, does not open.

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes of an AES-256 key. */
export const SESSION_KEY_BYTES = 32;

export type SessionCipher = {
  seal(input: { ownerId: string; name: string; state: StorageState }): Uint8Array;
  /** The state, or null when it does not open: another key (the secret changed), another owner or name, or damaged. */
  open(input: { ownerId: string; name: string; sealed: Uint8Array }): StorageState | null;
};

export function createSessionCipher({ key }: { key: Uint8Array }): SessionCipher {
  if (key.length !== SESSION_KEY_BYTES) throw new Error(`a session key is ${SESSION_KEY_BYTES} bytes, not ${key.length}`);
  // Names match whatever their case, so the case a session was saved under does not matter either.
  const boundTo = (ownerId: string, name: string) => Buffer.from(`skipper browser session\0${ownerId}\0${name.toLowerCase()}`);

  return {
    seal({ ownerId, name, state }) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(boundTo(ownerId, name));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
    },

    open({ ownerId, name, sealed }) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null;
      const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(boundTo(ownerId, name));
      decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      let plaintext: string;
      try {
        plaintext = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
      const parsed = StorageStateSchema.safeParse(JSON.parse(plaintext));
      return parsed.success ? parsed.data : null;
    },
  };
}
