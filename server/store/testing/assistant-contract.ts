import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { StoredPart, Store } from '../store.ts';
import { textParts } from '../store.ts';
import { appended, fixtures, RUN_LIMITS, STEPS } from './contract-fixtures.ts';

const INTERRUPTED = { code: 'model-unavailable', message: 'The reply was cut off.' } as const;

/** What the assistant stores: streaming replies, proposed plans and their versions, model usage. */
export function assistantContract(open: () => Store) {
  const store = () => open();
  const helpers = () => fixtures(open());

  /** A conversation with an assistant reply that has no plan yet. */
  async function reply(owner: string, parts: StoredPart[] = textParts('Thinking…')) {
    const conversation = await store().conversations.create(owner, {});
    const result = appended(await store().messages.appendAssistant(owner, conversation.id, { parts, status: 'streaming', streamLeaseMs: 60_000 }));
    return { conversationId: conversation.id, messageId: result.message.id, message: result.message };
  }

  async function proposed(owner: string) {
    const { conversationId, messageId } = await reply(owner);
    const attached = await store().plans.attach(owner, messageId, { source: 'model', steps: STEPS, model: 'gpt-test', status: 'proposed' });
    return { conversationId, messageId, plan: attached!.plan };
  }

  it('switches auto-run and renames a conversation for its owner only', async () => {
    const owner = await helpers().newOwner();
    const conversation = await store().conversations.create(owner, {});
    expect(conversation.autoRun).toBe(false);
    expect(await store().conversations.update(owner, conversation.id, { autoRun: true })).toMatchObject({ autoRun: true, title: null });
    expect(await store().conversations.update(owner, conversation.id, { title: 'Renamed' })).toMatchObject({ autoRun: true, title: 'Renamed' });
    expect(await store().conversations.update(await helpers().newOwner(), conversation.id, { autoRun: false })).toBeNull();
  });

  it('keeps a reply’s parts as written, and rewrites them when it finishes, is stopped or fails', async () => {
    const owner = await helpers().newOwner();
    const tool: StoredPart = { type: 'tool-get_run', toolCallId: 'call-1', state: 'output-available', input: { runId: 'x' }, output: { status: 'succeeded' } };
    const { conversationId, messageId, message } = await reply(owner, [{ type: 'reasoning', text: 'Let me look.' }, tool]);
    expect(message.metadata.status).toBe('streaming');
    expect(message.parts).toEqual([{ type: 'reasoning', text: 'Let me look.' }, tool]);

    const before = (await store().conversations.snapshot(owner, conversationId, { limit: 5 }))!.seq;
    const change = await store().messages.update(owner, messageId, { parts: textParts('Done, partly.'), status: 'stopped' });
    expect(change).toMatchObject({ messageId, seq: before + 1 });
    expect(await store().messages.get(owner, messageId)).toMatchObject({ parts: textParts('Done, partly.'), metadata: { status: 'stopped' } });
    await store().messages.update(owner, messageId, { parts: [], status: 'failed', error: INTERRUPTED });
    expect((await store().messages.get(owner, messageId))?.metadata).toMatchObject({ status: 'failed', error: INTERRUPTED });
    expect(await store().messages.update(await helpers().newOwner(), messageId, { parts: [], status: 'complete' })).toBeNull();
  });

  it('fails the replies whose writer stopped renewing them, and only those', async () => {
    const owner = await helpers().newOwner();
    const alive = await reply(owner);
    const abandoned = await reply(owner);
    await store().messages.renewStreams([abandoned.messageId], -1_000);
    await store().messages.renewStreams([alive.messageId], 60_000);
    const changes = await store().messages.failAbandonedStreams(INTERRUPTED);
    expect(changes.map((change) => change.messageId)).toContain(abandoned.messageId);
    expect(changes.map((change) => change.messageId)).not.toContain(alive.messageId);
    expect((await store().messages.get(owner, abandoned.messageId))?.metadata).toMatchObject({ status: 'failed', error: INTERRUPTED });
    expect((await store().messages.get(owner, alive.messageId))?.metadata.status).toBe('streaming');
  });

  it('attaches a proposed plan to a reply, and makes each edit a new version shown in its place', async () => {
    const owner = await helpers().newOwner();
    const { messageId, plan } = await proposed(owner);
    expect(plan).toMatchObject({ status: 'proposed', version: 1, source: 'model', model: 'gpt-test', steps: STEPS });
    expect((await store().messages.get(owner, messageId))?.parts.find((part) => part.type === 'data-plan')?.data).toEqual(plan);
    // A reply holds one plan.
    expect(await store().plans.attach(owner, messageId, { source: 'model', steps: STEPS, status: 'proposed' })).toBeNull();

    const edited = await store().plans.edit(owner, plan.id, [STEPS[0]!, STEPS[2]!]);
    expect(edited?.status).toBe('changed');
    if (edited?.status !== 'changed') return;
    expect(edited.plan).toMatchObject({ status: 'proposed', version: 2, previousVersionId: plan.id, steps: [STEPS[0], STEPS[2]], model: 'gpt-test' });
    expect(edited.change.messageId).toBe(messageId);
    expect((await store().messages.get(owner, messageId))?.parts.find((part) => part.type === 'data-plan')?.data).toEqual(edited.plan);
    expect((await store().plans.get(owner, plan.id))?.status).toBe('superseded');
    // The old version cannot be edited, approved or discarded any more.
    expect((await store().plans.edit(owner, plan.id, STEPS))?.status).toBe('refused');
    expect((await store().plans.approve(owner, plan.id, RUN_LIMITS))?.status).toBe('refused');
    expect(await store().plans.edit(await helpers().newOwner(), edited.plan.id, STEPS)).toBeNull();
  });

  it('approves a proposed plan once, with its run in the plan’s message, and honours the run cap', async () => {
    const owner = await helpers().newOwner();
    const { messageId, plan } = await proposed(owner);
    const approved = await store().plans.approve(owner, plan.id, RUN_LIMITS);
    expect(approved?.status).toBe('changed');
    const message = (await store().messages.get(owner, messageId))!;
    const run = message.parts.find((part) => part.type === 'data-run')?.data;
    expect(run).toMatchObject({ id: approved?.runId, planId: plan.id, status: 'queued' });
    expect(message.parts.find((part) => part.type === 'data-plan')?.data.status).toBe('approved');
    expect((await store().plans.approve(owner, plan.id, RUN_LIMITS))?.status).toBe('refused');
    expect((await store().plans.discard(owner, plan.id))?.status).toBe('refused');

    const capped = await proposed(owner);
    expect(await store().plans.approve(owner, capped.plan.id, { maxAttempts: 1, maxQueued: 1 })).toEqual({ status: 'too-many-runs', queued: 1 });
    expect((await store().plans.get(owner, capped.plan.id))?.status).toBe('proposed');
  });

  it('discards a proposed plan', async () => {
    const owner = await helpers().newOwner();
    const { plan } = await proposed(owner);
    const discarded = await store().plans.discard(owner, plan.id);
    expect(discarded).toMatchObject({ status: 'changed', plan: { id: plan.id, status: 'discarded' } });
    expect(await store().plans.discard(await helpers().newOwner(), plan.id)).toBeNull();
  });

  it('records model calls and shows what they used on the message and the plan they were for', async () => {
    const owner = await helpers().newOwner();
    const { conversationId, messageId, plan } = await proposed(owner);
    const since = new Date(Date.now() - 60_000);
    const base = { ownerId: owner, conversationId, model: 'gpt-test', durationMs: 120 } as const;
    await store().usage.record({ ...base, messageId, purpose: 'chat', inputTokens: 1_000, outputTokens: 200, costUsd: 0.0012 });
    await store().usage.record({ ...base, messageId, purpose: 'chat', inputTokens: 500, outputTokens: 100, costUsd: 0.0006 });
    await store().usage.record({ ...base, planId: plan.id, purpose: 'plan', model: 'unpriced-model', inputTokens: 300, outputTokens: 40 });

    const message = (await store().messages.get(owner, messageId))!;
    expect(message.metadata.usage).toEqual({ model: 'gpt-test', inputTokens: 1_500, outputTokens: 300, costUsd: 0.0018, calls: 2 });
    // A model without a price shows tokens only.
    expect(message.parts.find((part) => part.type === 'data-plan')?.data.usage).toEqual({
      model: 'unpriced-model',
      inputTokens: 300,
      outputTokens: 40,
      calls: 1,
    });
    expect(await store().usage.tokensSince(owner, since)).toBe(2_140);
    expect(await store().usage.tokensSince(owner, new Date(Date.now() + 60_000))).toBe(0);
    expect(await store().usage.tokensSince(await helpers().newOwner(), since)).toBe(0);

    // Deleting the conversation does not give the budget back.
    await store().conversations.delete(owner, conversationId);
    expect(await store().usage.tokensSince(owner, since)).toBe(2_140);
  });

  it('lists the runs of a conversation, newest first', async () => {
    const owner = await helpers().newOwner();
    const first = await helpers().queueRun(owner);
    const second = await helpers().queueRun(owner, { conversationId: first.conversationId });
    await helpers().queueRun(owner);
    const listed = await store().runs.list(owner, first.conversationId, 10);
    expect(listed.map(({ run }) => run.id)).toEqual([second.runId, first.runId]);
    expect(listed[0]?.plan.steps).toEqual(STEPS);
    expect(await store().runs.list(owner, first.conversationId, 1)).toHaveLength(1);
    expect(await store().runs.list(await helpers().newOwner(), first.conversationId, 10)).toEqual([]);
  });

  it('counts the tokens of a run', async () => {
    const owner = await helpers().newOwner();
    const { runId } = await helpers().queueRun(owner);
    await store().usage.record({ ownerId: owner, runId, stepIndex: 1, purpose: 'browser-step', model: 'gpt-test', inputTokens: 70, outputTokens: 30, durationMs: 5 });
    expect(await store().usage.tokensOfRun(owner, runId)).toBe(100);
    expect(await store().usage.tokensOfRun(owner, randomUUID())).toBe(0);
  });
}
