import { hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SESSION_KEY_BYTES } from './session-cipher.ts';

export type SessionKey = {
  key: Uint8Array;
  /** Where it came from: SESSION_SECRET, or the key file made on first start. */
  source: 'secret' | 'file';
  /** The key file, when it came from one. */
  path?: string;
};

/**
 * The key saved browser sessions are encrypted with. From `secret` (SESSION_SECRET, 32+
 * characters) through HKDF-SHA-256, so every server given the same secret reads the same
 * sessions; without one, from `dataDir/session.key`: 32 random bytes made on first start,
 * readable by this user only, so `npm start` needs no setup. Nothing here is logged.
 */
export async function loadSessionKey({ secret, dataDir }: { secret?: string; dataDir: string }): Promise<SessionKey> {
  if (secret !== undefined) {
    const key = new Uint8Array(hkdfSync('sha256', secret, 'skipper', 'browser sessions v1', SESSION_KEY_BYTES));
    return { key, source: 'secret' };
  }
  const path = join(dataDir, 'session.key');
  return { key: await readOrCreateKeyFile(path), source: 'file', path };
}

async function readOrCreateKeyFile(path: string): Promise<Uint8Array> {
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await mkdir(join(path, '..'), { recursive: true });
  const key = randomBytes(SESSION_KEY_BYTES);
  // Written whole under another name, then linked into place (which fails if the file exists):
  // of two servers starting at once on one data directory, one key wins and both read it whole.
  const draft = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, path);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readKeyFile(path))!;
  } finally {
    await unlink(draft).catch(() => {});
  }
}

async function readKeyFile(path: string): Promise<Uint8Array | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== SESSION_KEY_BYTES) {
    throw new Error(`${path} does not hold a session key (${SESSION_KEY_BYTES} bytes in base64). Restore it, or delete it to start over: saved sessions are then lost.`);
  }
  return key;
}
