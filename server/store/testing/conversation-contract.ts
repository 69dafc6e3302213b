import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { textParts, type Store } from '../store.ts';
import { appended, fixtures, runPart, RUN_LIMITS, STEPS } from './contract-fixtures.ts';

/** Users, conversations and messages: what every Store adapter must do with them. */
export function conversationContract(open: () => Store) {
  const store = () => open();
  const helpers = () => fixtures(open());

  it('answers a ping', async () => {
    await expect(store().ping()).resolves.toBeUndefined();
  });

  it('ensures a user once per login', async () => {
    const login = `login-${randomUUID()}`;
    const first = await store().users.ensure(login);
    expect(await store().users.ensure(login)).toEqual(first);
  });

  it('titles a conversation after its first message and keeps the thread in order', async () => {
    const owner = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    expect(conversation.title).toBeNull();
    await store().messages.appendUser(owner, conversation.id, { text: 'open the pricing page\nand more' });
    await store().messages.appendUser(owner, conversation.id, { text: 'second' });
    await store().messages.appendAssistant(owner, conversation.id, { parts: textParts('A reply.') });
    expect((await store().conversations.get(owner, conversation.id))?.title).toBe('open the pricing page');
    const thread = await store().conversations.snapshot(owner, conversation.id, { limit: 50 });
    expect(thread?.messages.map((message) => [message.role, message.parts])).toEqual([
      ['user', [{ type: 'text', text: 'open the pricing page\nand more' }]],
      ['user', [{ type: 'text', text: 'second' }]],
      ['assistant', [{ type: 'text', text: 'A reply.' }]],
    ]);
    expect(thread?.seq).toBe(3);
    expect(thread?.hasOlder).toBe(false);
  });

  it('lists conversations with the most recently active first, a page at a time', async () => {
    const owner = await helpers().newOwner();
    const created = [];
    for (let index = 0; index < 5; index += 1) created.push(await store().conversations.create(owner, { title: `c${index}` }));
    await store().messages.appendUser(owner, created[1]!.id, { text: 'bump' });
    const expected = [created[1]!, created[4]!, created[3]!, created[2]!, created[0]!].map((conversation) => conversation.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await store().conversations.list(owner, { limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.conversations.map((conversation) => conversation.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(expected);
    await expect(store().conversations.list(owner, { limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('pages a long thread from the newest message back', async () => {
    const owner = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    for (let index = 0; index < 7; index += 1) await store().messages.appendUser(owner, conversation.id, { text: `m${index}` });
    const texts = (messages: { parts: { type: string; text?: string }[] }[]) => messages.map((message) => message.parts[0]?.text);

    const snapshot = await store().conversations.snapshot(owner, conversation.id, { limit: 3 });
    expect(texts(snapshot!.messages)).toEqual(['m4', 'm5', 'm6']);
    expect(snapshot!.hasOlder).toBe(true);
    const older = await store().messages.page(owner, conversation.id, { before: snapshot!.messages[0]!.id, limit: 3 });
    expect(texts(older!.messages)).toEqual(['m1', 'm2', 'm3']);
    expect(older!.hasOlder).toBe(true);
    const oldest = await store().messages.page(owner, conversation.id, { before: older!.messages[0]!.id, limit: 3 });
    expect(texts(oldest!.messages)).toEqual(['m0']);
    expect(oldest!.hasOlder).toBe(false);
    // A message of another conversation is no cursor into this one.
    const other = await store().conversations.create(owner, {});
    const stranger = await store().messages.appendUser(owner, other.id, { text: 'elsewhere' });
    expect(await store().messages.page(owner, conversation.id, { before: stranger!.message.id, limit: 3 })).toEqual({ messages: [], hasOlder: false });
  });

  it('appends a retried message once, and gives a message at most one reply', async () => {
    const owner = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    const first = await store().messages.appendUser(owner, conversation.id, { text: 'hi', clientMessageId: 'c-1' });
    const retry = await store().messages.appendUser(owner, conversation.id, { text: 'hi', clientMessageId: 'c-1' });
    expect(first?.duplicate).toBe(false);
    expect(retry?.duplicate).toBe(true);
    expect(retry?.message.id).toBe(first?.message.id);
    // Not a reply: a message written after it that does not answer it.
    await store().messages.appendAssistant(owner, conversation.id, { parts: textParts('an aside') });
    expect(await store().messages.replyTo(owner, first!.message.id)).toBeNull();

    const replies = await Promise.all(
      [1, 2, 3].map((n) => store().messages.appendAssistant(owner, conversation.id, { parts: textParts(`hello ${n}`), replyTo: first!.message.id })),
    );
    const written = replies.filter((result) => result?.status === 'appended');
    expect(written).toHaveLength(1);
    const reply = appended(written[0]!).message;
    for (const result of replies) expect(result?.status === 'exists' ? result.message.id : reply.id).toBe(reply.id);
    expect((await store().messages.replyTo(owner, first!.message.id))?.id).toBe(reply.id);
    expect((await store().conversations.snapshot(owner, conversation.id, { limit: 50 }))?.messages).toHaveLength(3);
  });

  it('stores a plan with a queued run whose steps are pending', async () => {
    const owner = await helpers().newOwner();
    const { conversationId, runId, messageId } = await helpers().queueRun(owner);
    const message = await store().messages.get(owner, messageId);
    const plan = message?.parts.find((part) => part.type === 'data-plan');
    expect(plan?.data.steps).toEqual(STEPS);
    expect(plan?.data.source).toBe('grammar');
    const run = runPart(message!);
    expect(run).toMatchObject({ id: runId, conversationId, status: 'queued', attempt: 0, maxAttempts: 2, earlierAttempts: [] });
    expect(run.steps.map((step) => step.status)).toEqual(['pending', 'pending', 'pending']);
    expect((await store().runs.get(owner, runId))?.run).toEqual(run);
  });

  it('runs a plan again in a new message, and refuses a plan of another conversation', async () => {
    const owner = await helpers().newOwner();
    const { conversationId, messageId } = await helpers().queueRun(owner);
    const planId = (await store().messages.get(owner, messageId))!.parts.find((part) => part.type === 'data-plan')!.id;
    expect(await store().plans.get(owner, planId)).toMatchObject({ id: planId, conversationId, steps: STEPS });
    const again = appended(
      await store().messages.appendAssistant(owner, conversationId, { parts: textParts('Again.'), plan: { id: planId }, run: RUN_LIMITS }),
    );
    expect(runPart(again.message)).toMatchObject({ planId, status: 'queued' });
    const elsewhere = await store().conversations.create(owner, {});
    expect(await store().messages.appendAssistant(owner, elsewhere.id, { parts: textParts('No.'), plan: { id: planId }, run: RUN_LIMITS })).toBeNull();
  });

  it('refuses a run past the owner’s cap on waiting runs, even when they arrive at once', async () => {
    const owner = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    const other = await store().conversations.create(owner, {});
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store().messages.appendAssistant(owner, index % 2 ? conversation.id : other.id, {
          parts: textParts('Queued.'),
          plan: { source: 'api', steps: STEPS },
          run: { maxAttempts: 1, maxQueued: 3 },
        }),
      ),
    );
    expect(results.filter((result) => result?.status === 'appended')).toHaveLength(3);
    expect(results.filter((result) => result?.status === 'too-many-runs')).toEqual(
      Array.from({ length: 5 }, () => ({ status: 'too-many-runs', queued: 3 })),
    );
    // Someone else's waiting runs do not count.
    const stranger = await helpers().newOwner();
    const theirs = await store().conversations.create(stranger, {});
    const allowed = await store().messages.appendAssistant(stranger, theirs.id, {
      parts: textParts('Queued.'),
      plan: { source: 'api', steps: STEPS },
      run: { maxAttempts: 1, maxQueued: 3 },
    });
    expect(allowed?.status).toBe('appended');
  });

  it('records which model and prompt version made a plan', async () => {
    const owner = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    const prompt = { name: 'planner', hash: 'abc123def456' };
    const result = appended(
      await store().messages.appendAssistant(owner, conversation.id, {
        parts: textParts('Planned by a model.'),
        plan: { source: 'model', steps: STEPS, model: 'gpt-test', prompt },
      }),
    );
    const plan = result.message.parts.find((part) => part.type === 'data-plan');
    expect(plan?.data).toMatchObject({ source: 'model', model: 'gpt-test', prompt, steps: STEPS });
    expect(result.runId).toBeUndefined();
    expect(result.message.parts.some((part) => part.type === 'data-run')).toBe(false);
  });

  it('deletes a conversation with everything in it, and names the runs a runner was executing', async () => {
    const owner = await helpers().newOwner();
    const { conversationId, runId, messageId } = await helpers().queueRun(owner);
    await helpers().queueRun(owner, { conversationId });
    const { ref, events } = await helpers().claim(runId);
    await store().queue.screenshotTaken({ ...events.next(), index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8]) });
    const artifactId = runPart((await store().messages.get(owner, messageId))!).steps[0]!.screenshot!.artifactId;
    const kept = await helpers().queueRun(owner);

    expect(await store().conversations.delete(await helpers().newOwner(), conversationId)).toBeNull();
    expect(await store().conversations.delete(owner, conversationId)).toEqual({ held: [{ runId, attempt: 1, runnerId: ref.runnerId }] });
    expect(await store().conversations.get(owner, conversationId)).toBeNull();
    expect(await store().runs.get(owner, runId)).toBeNull();
    expect(await store().messages.get(owner, messageId)).toBeNull();
    expect(await store().artifacts.get(owner, artifactId)).toBeNull();
    // The runner's late events find nothing, and change nothing.
    expect(await store().queue.stepStarted({ ...events.next(), index: 1, leaseMs: 1_000 })).toBeNull();
    expect(await store().conversations.delete(owner, conversationId)).toBeNull();
    expect((await store().runs.get(owner, kept.runId))?.run.status).toBe('queued');
  });

  it('never shows one owner another owner’s rows', async () => {
    const alice = await helpers().newOwner();
    const bob = await helpers().newOwner();
    const { conversationId, runId, messageId } = await helpers().queueRun(alice);
    const { events } = await helpers().claim(runId);
    await store().queue.screenshotTaken({ ...events.next(), index: 0, mimeType: 'image/jpeg', bytes: new Uint8Array([1, 2]) });
    const message = (await store().messages.get(alice, messageId))!;
    const artifactId = runPart(message).steps[0]?.screenshot?.artifactId;
    const planId = message.parts.find((part) => part.type === 'data-plan')!.id;
    expect(artifactId).toBeDefined();

    expect((await store().conversations.list(bob, { limit: 50 })).conversations).toEqual([]);
    expect(await store().conversations.get(bob, conversationId)).toBeNull();
    expect(await store().conversations.snapshot(bob, conversationId, { limit: 50 })).toBeNull();
    expect(await store().conversations.delete(bob, conversationId)).toBeNull();
    expect(await store().messages.get(bob, messageId)).toBeNull();
    expect(await store().messages.page(bob, conversationId, { limit: 50 })).toBeNull();
    expect(await store().messages.replyTo(bob, messageId)).toBeNull();
    expect(await store().messages.appendUser(bob, conversationId, { text: 'intrude' })).toBeNull();
    expect(await store().messages.appendAssistant(bob, conversationId, { parts: textParts('intrude') })).toBeNull();
    expect(await store().runs.get(bob, runId)).toBeNull();
    expect(await store().runs.cancel(bob, runId)).toBeNull();
    expect(await store().plans.get(bob, planId)).toBeNull();
    expect(await store().artifacts.get(bob, artifactId!)).toBeNull();
    // Alice still sees everything, untouched by Bob's attempts.
    expect([...((await store().artifacts.get(alice, artifactId!))?.bytes ?? [])]).toEqual([1, 2]);
    expect((await store().runs.get(alice, runId))?.run.status).toBe('running');
    expect((await store().conversations.snapshot(alice, conversationId, { limit: 50 }))?.messages).toHaveLength(1);
  });
}
