import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSessionKey } from './session-key.ts';

describe('the session key', () => {
  const directories: string[] = [];
  afterAll(() => Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true }))));
  async function dataDir() {
    const directory = await mkdtemp(join(tmpdir(), 'skipper-session-key-'));
    directories.push(directory);
    return join(directory, 'data');
  }

  it('is derived from SESSION_SECRET: the same secret, the same key, and no file', async () => {
    const directory = await dataDir();
    const first = await loadSessionKey({ secret: 'a'.repeat(32), dataDir: directory });
    const second = await loadSessionKey({ secret: 'a'.repeat(32), dataDir: directory });
    const other = await loadSessionKey({ secret: 'b'.repeat(32), dataDir: directory });
    expect(first.source).toBe('secret');
    expect(first.key).toHaveLength(32);
    expect(Buffer.from(second.key).equals(Buffer.from(first.key))).toBe(true);
    expect(Buffer.from(other.key).equals(Buffer.from(first.key))).toBe(false);
    await expect(stat(join(directory, 'session.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is made once in DATA_DIR/session.key, readable by this user only, and read back after', async () => {
    const directory = await dataDir();
    const made = await loadSessionKey({ dataDir: directory });
    expect(made).toMatchObject({ source: 'file', path: join(directory, 'session.key') });
    expect((await stat(made.path!)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(made.path!, 'utf8')).trim(), 'base64').equals(Buffer.from(made.key))).toBe(true);
    const read = await loadSessionKey({ dataDir: directory });
    expect(Buffer.from(read.key).equals(Buffer.from(made.key))).toBe(true);
  });

  it('gives servers starting at once on one directory the same key', async () => {
    const directory = await dataDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadSessionKey({ dataDir: directory })));
    expect(new Set(keys.map((loaded) => Buffer.from(loaded.key).toString('hex'))).size).toBe(1);
  });

  it('refuses a key file that holds no key, saying how to recover', async () => {
    const directory = await dataDir();
    await loadSessionKey({ dataDir: directory });
    await writeFile(join(directory, 'session.key'), 'not a key\n');
    await expect(loadSessionKey({ dataDir: directory })).rejects.toThrow(/does not hold a session key.*delete it/);
  });
});
