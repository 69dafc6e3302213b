import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageState } from '../../protocol/index.ts';
import { openPostgresStore } from '../store/postgres/open-postgres-store.ts';
import type { Store } from '../store/store.ts';
import { fixtures } from '../store/testing/contract-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../store/testing/test-database.ts';
import { createSessionCipher } from './session-cipher.ts';
import { createSessionService, type SessionService } from './session-service.ts';

// The session service on a real store: what a run saves is encrypted for its owner, opens for
// that owner's plans only, and says clearly when it cannot.

const STATE: StorageState = {
  cookies: [{ name: 'sid', value: 'v4lue', domain: 'example.com', path: '/', expires: -1, httpOnly: true, secure: true, sameSite: 'Lax' }],
  origins: [],
};

describe('the session service', () => {
  let database: TestDatabase;
  let store: Store;
  let sessions: SessionService;
  const key = randomBytes(32);

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgresStore({ connectionString: database.url });
    sessions = createSessionService({ store, cipher: createSessionCipher({ key }), ttlDays: 7 });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** A run of `owner` whose plan saves its session as `name`, reporting STATE. */
  async function saved(owner: string, name: string) {
    const { runId } = await fixtures(store).queueRun(owner, { browser: { session: { saveAs: name } } });
    const { events } = await fixtures(store).claim(runId);
    return sessions.saveFromRun(events.next(), STATE);
  }

  it('saves what a run reports for its owner, who alone can list, open and delete it', async () => {
    const owner = await fixtures(store).newOwner();
    const other = await fixtures(store).newOwner();
    expect(await saved(owner, 'staging')).toEqual({ saved: 'staging' });

    const [listed] = await sessions.list(owner);
    expect(listed).toMatchObject({ name: 'staging', sites: ['example.com'] });
    expect(Date.parse(listed!.expiresAt) - Date.parse(listed!.savedAt)).toBe(7 * 86_400_000);
    expect(await sessions.open(owner, 'Staging')).toEqual(STATE);

    expect(await sessions.list(other)).toEqual([]);
    await expect(sessions.open(other, 'staging')).rejects.toMatchObject({
      code: 'not-found',
      message: 'There is no saved session "staging" (it may have expired). Run a plan that saves it first.',
    });
    await expect(sessions.delete(other, 'staging')).rejects.toMatchObject({ code: 'not-found' });
    expect(await sessions.open(owner, 'staging')).toEqual(STATE);

    await sessions.delete(owner, 'staging');
    await expect(sessions.open(owner, 'staging')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('says a session saved under another key cannot be read', async () => {
    const owner = await fixtures(store).newOwner();
    await saved(owner, 'bank');
    const rekeyed = createSessionService({ store, cipher: createSessionCipher({ key: randomBytes(32) }), ttlDays: 7 });
    await expect(rekeyed.open(owner, 'bank')).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('SESSION_SECRET') });
  });
});
