import { expect, it } from 'vitest';
import type { BrowserOptions } from '../../../protocol/index.ts';
import { textParts, type SealedSession, type Store } from '../store.ts';
import { appended, fixtures, LEASE_MS, RUN_LIMITS, runPart, STEPS } from './contract-fixtures.ts';

const SAVES = (name: string): BrowserOptions => ({ session: { saveAs: name } });

/**
 * What the runner on the real web stores: a plan's browser options, files a run downloads, files
 * attached for upload steps, and saved browser sessions (sealed by the domain; stored as given).
 */
export function filesContract(open: () => Store) {
  const store = () => open();
  const helpers = () => fixtures(open());

  /** A stand-in for the domain's encryption: the store keeps whatever bytes it is given. */
  function sealing(bytes: number[], sites: string[] = ['example.com']) {
    const sealedFor: { ownerId: string; name: string }[] = [];
    return {
      sealedFor,
      seal(target: { ownerId: string; name: string }): SealedSession {
        sealedFor.push(target);
        return { state: new Uint8Array(bytes), sites };
      },
    };
  }

  /** Runs a plan that saves its session as `name`, and reports its state. */
  async function saveSession(owner: string, name: string, bytes: number[], options: { ttlDays?: number } = {}) {
    const { runId } = await helpers().queueRun(owner, { browser: SAVES(name) });
    const { events } = await helpers().claim(runId);
    const sealed = sealing(bytes);
    const result = await store().queue.sessionSaved({ ...events.next(), ttlDays: options.ttlDays ?? 30, seal: sealed.seal });
    return { runId, result, sealed, events };
  }

  it('keeps a plan’s browser options, on its runs’ claims and across edits unless replaced', async () => {
    const owner = await helpers().newOwner();
    const browser: BrowserOptions = { viewport: { width: 390, height: 844 }, locale: 'de-DE', session: { use: 'staging' } };
    const { runId } = await helpers().queueRun(owner, { browser });
    expect((await store().runs.get(owner, runId))?.plan.browser).toEqual(browser);
    expect((await helpers().claim(runId)).browser).toEqual(browser);

    const conversation = await store().conversations.create(owner, {});
    const reply = appended(await store().messages.appendAssistant(owner, conversation.id, { parts: textParts('A plan.') }));
    const attached = await store().plans.attach(owner, reply.message.id, { source: 'model', steps: STEPS, browser, status: 'proposed' });
    expect(attached?.plan.browser).toEqual(browser);
    const edit = async (planId: string, browserNow?: BrowserOptions) => {
      const result = await store().plans.edit(owner, planId, [STEPS[0]!], browserNow);
      if (result?.status !== 'changed') throw new Error(`the plan did not change: ${JSON.stringify(result)}`);
      return result.plan;
    };
    const kept = await edit(attached!.plan.id);
    expect(kept.browser).toEqual(browser);
    const replaced = await edit(kept.id, { locale: 'fr-FR' });
    expect(replaced.browser).toEqual({ locale: 'fr-FR' });
    const cleared = await edit(replaced.id, {});
    expect(cleared).not.toHaveProperty('browser');

    // A plan without options claims without them.
    const plain = await helpers().queueRun(owner);
    expect(await helpers().claim(plain.runId)).not.toHaveProperty('browser');
  });

  it('keeps the files a step downloaded, in order, fenced like every event, for their owner only', async () => {
    const owner = await helpers().newOwner();
    const { runId, messageId } = await helpers().queueRun(owner);
    const { events } = await helpers().claim(runId);
    const first = events.next();
    const csv = new TextEncoder().encode('a,b\n1,2\n');
    expect(await store().queue.downloadTaken({ ...first, index: 1, fileName: 'report.csv', mimeType: 'text/csv', bytes: csv })).toMatchObject({ messageId });
    // Sent again after a reconnection: applied once.
    expect(await store().queue.downloadTaken({ ...first, index: 1, fileName: 'report.csv', mimeType: 'text/csv', bytes: csv })).toBeNull();
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
    await store().queue.downloadTaken({ ...events.next(), index: 1, fileName: 'invoice.pdf', mimeType: 'application/pdf', bytes: pdf });
    // A step the plan does not have stores nothing.
    expect(await store().queue.downloadTaken({ ...events.next(), index: 99, fileName: 'x.bin', mimeType: 'application/octet-stream', bytes: pdf })).toBeNull();

    const steps = runPart((await store().messages.get(owner, messageId))!).steps;
    expect(steps[0]).not.toHaveProperty('downloads');
    const downloads = steps[1]?.downloads ?? [];
    expect(downloads.map(({ fileName, mimeType, bytes }) => ({ fileName, mimeType, bytes }))).toEqual([
      { fileName: 'report.csv', mimeType: 'text/csv', bytes: csv.length },
      { fileName: 'invoice.pdf', mimeType: 'application/pdf', bytes: pdf.length },
    ]);
    const stored = await store().artifacts.get(owner, downloads[0]!.artifactId);
    expect(stored).toMatchObject({ kind: 'download', fileName: 'report.csv', mimeType: 'text/csv' });
    expect(Buffer.from(stored!.bytes)).toEqual(Buffer.from(csv));
    expect(await store().artifacts.get(await helpers().newOwner(), downloads[0]!.artifactId)).toBeNull();
  });

  it('attaches files to a conversation for its owner only, and drops them with it', async () => {
    const owner = await helpers().newOwner();
    const other = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    const bytes = new TextEncoder().encode('%PDF-1.7 hello');
    const attachment = await store().attachments.create(owner, conversation.id, { name: 'report.pdf', mimeType: 'application/pdf', bytes });
    expect(attachment).toMatchObject({ name: 'report.pdf', mimeType: 'application/pdf', bytes: bytes.length });
    const second = await store().attachments.create(owner, conversation.id, { name: 'empty.txt', mimeType: 'text/plain', bytes: new Uint8Array() });
    expect(await store().attachments.list(owner, conversation.id)).toEqual([attachment, second]);
    const found = await store().attachments.get(owner, attachment!.id);
    expect(found).toMatchObject({ attachment, conversationId: conversation.id });
    expect(Buffer.from(found!.content)).toEqual(Buffer.from(bytes));

    // Another owner can neither attach to, list, read nor delete them.
    expect(await store().attachments.create(other, conversation.id, { name: 'x', mimeType: 'text/plain', bytes })).toBeNull();
    expect(await store().attachments.list(other, conversation.id)).toBeNull();
    expect(await store().attachments.get(other, attachment!.id)).toBeNull();
    expect(await store().attachments.delete(other, attachment!.id)).toBe(false);

    expect(await store().attachments.delete(owner, second!.id)).toBe(true);
    expect(await store().attachments.delete(owner, second!.id)).toBe(false);
    expect(await store().attachments.list(owner, conversation.id)).toEqual([attachment]);
    await store().conversations.delete(owner, conversation.id);
    expect(await store().attachments.get(owner, attachment!.id)).toBeNull();
  });

  it('saves the session a run’s plan names, sealed for its owner, replacing one of the same name in any case', async () => {
    const owner = await helpers().newOwner();
    const { runId, result, sealed, events } = await saveSession(owner, 'Staging', [1, 2, 3]);
    expect(result).toEqual({ saved: 'Staging' });
    expect(sealed.sealedFor).toEqual([{ ownerId: owner, name: 'Staging' }]);
    // The same event again is not applied.
    const again = sealing([9]);
    expect(await store().queue.sessionSaved({ runnerId: events.next().runnerId, runId, attempt: 1, seq: 1, ttlDays: 30, seal: again.seal })).toBeNull();
    expect(again.sealedFor).toEqual([]);

    const [listed] = await store().sessions.list(owner);
    expect(listed).toMatchObject({ name: 'Staging', sites: ['example.com'], runId });
    expect(Date.parse(listed!.expiresAt) - Date.parse(listed!.savedAt)).toBe(30 * 24 * 3_600_000);
    const got = await store().sessions.get(owner, 'staging');
    expect(got?.session).toEqual(listed);
    expect([...got!.state]).toEqual([1, 2, 3]);

    // Saved again under another case: one session, the newer state and spelling.
    const newer = await saveSession(owner, 'STAGING', [4, 5]);
    const sessions = await store().sessions.list(owner);
    expect(sessions.map((session) => [session.name, session.runId])).toEqual([['STAGING', newer.runId]]);
    expect([...(await store().sessions.get(owner, 'Staging'))!.state]).toEqual([4, 5]);
  });

  it('lists sessions newest first and keeps each owner’s to itself', async () => {
    const owner = await helpers().newOwner();
    const other = await helpers().newOwner();
    await saveSession(owner, 'bank', [1]);
    await saveSession(owner, 'staging', [2]);
    await saveSession(other, 'bank', [3]);
    expect((await store().sessions.list(owner)).map((session) => session.name)).toEqual(['staging', 'bank']);
    expect((await store().sessions.list(other)).map((session) => session.name)).toEqual(['bank']);
    expect([...(await store().sessions.get(other, 'bank'))!.state]).toEqual([3]);
    expect(await store().sessions.get(other, 'staging')).toBeNull();
    expect(await store().sessions.delete(other, 'staging')).toBe(false);
    expect(await store().sessions.list(owner)).toHaveLength(2);

    expect(await store().sessions.delete(owner, 'BANK')).toBe(true);
    expect((await store().sessions.list(owner)).map((session) => session.name)).toEqual(['staging']);
    expect(await store().sessions.get(other, 'bank')).not.toBeNull();
  });

  it('saves nothing for a plan that saves no session, and nothing from a run the runner no longer holds', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner, { browser: { session: { use: 'staging' } } });
    const { events, ref } = await helpers().claim(runId);
    const sealed = sealing([1]);
    expect(await store().queue.sessionSaved({ ...events.next(), ttlDays: 30, seal: sealed.seal })).toEqual({ saved: null });
    expect(sealed.sealedFor).toEqual([]);
    await store().queue.finish({ ...events.next(), status: 'succeeded' });
    expect(await store().queue.sessionSaved({ ...ref, seq: events.last() + 1, ttlDays: 30, seal: sealed.seal })).toBeNull();
    expect(await store().sessions.list(owner)).toEqual([]);
  });

  it('never returns an expired session, and deletes expired ones', async () => {
    const owner = await helpers().newOwner();
    // A negative time to live: expired as soon as it is saved.
    await saveSession(owner, 'old', [1], { ttlDays: -1 });
    await saveSession(owner, 'fresh', [2]);
    expect((await store().sessions.list(owner)).map((session) => session.name)).toEqual(['fresh']);
    expect(await store().sessions.get(owner, 'old')).toBeNull();
    expect(await store().sessions.delete(owner, 'old')).toBe(false);
    expect(await store().sessions.deleteExpired()).toBeGreaterThanOrEqual(1);
    // Saving under the expired name starts afresh.
    await saveSession(owner, 'old', [3]);
    expect([...(await store().sessions.get(owner, 'old'))!.state]).toEqual([3]);
  });

  it('fails a claimed run that cannot start, once, and only before its runner reported anything', async () => {
    const owner = await helpers().newOwner();
    const missing = { code: 'not-found', message: 'There is no saved session "staging".' } as const;
    const { runId, messageId } = await helpers().queueRun(owner, { browser: { session: { use: 'staging' } } });
    const { ref } = await helpers().claim(runId);
    const finished = await store().queue.refuseClaim({ ...ref, error: missing });
    expect(finished?.run).toMatchObject({ status: 'failed', error: missing });
    expect(finished?.run.steps.map((step) => step.status)).toEqual(STEPS.map(() => 'skipped'));
    expect(finished?.change.messageId).toBe(messageId);
    expect(await store().queue.refuseClaim({ ...ref, error: missing })).toBeNull();

    const started = await helpers().queueRun(owner, { maxAttempts: RUN_LIMITS.maxAttempts });
    const claimed = await helpers().claim(started.runId);
    await store().queue.stepStarted({ ...claimed.events.next(), index: 0, leaseMs: LEASE_MS });
    expect(await store().queue.refuseClaim({ ...claimed.ref, error: missing })).toBeNull();
    expect((await store().runs.get(owner, started.runId))?.run.status).toBe('running');
  });
}
