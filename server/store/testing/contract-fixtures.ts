import { randomUUID } from 'node:crypto';
import type { BrowserOptions, ChatMessage, RunView, Step } from '../../../protocol/index.ts';
import { textParts, type AppendAssistantResult, type Store } from '../store.ts';

export const STEPS: Step[] = [
  { type: 'goto', url: 'http://127.0.0.1:9/login' },
  { type: 'click', target: 'Sign in' },
  { type: 'screenshot' },
];
export const LEASE_MS = 60_000;
export const MAX_DURATION_MS = 600_000;
export const RUN_LIMITS = { maxAttempts: 2, maxQueued: 1_000 };

export function runPart(message: ChatMessage): RunView {
  const part = message.parts.find((candidate) => candidate.type === 'data-run');
  if (!part) throw new Error('message has no run');
  return part.data;
}

/** The appended message, failing the test if the store appended nothing. */
export function appended(result: AppendAssistantResult | null) {
  if (result?.status !== 'appended') throw new Error(`expected a message to be appended, got ${JSON.stringify(result)}`);
  return result;
}

/** Test helpers bound to one store. */
export function fixtures(store: Store) {
  async function newOwner() {
    return (await store.users.ensure(`user-${randomUUID()}`)).id;
  }

  async function queueRun(
    ownerId: string,
    options: { maxAttempts?: number; steps?: Step[]; conversationId?: string; browser?: BrowserOptions } = {},
  ) {
    const conversationId = options.conversationId ?? (await store.conversations.create(ownerId, {})).id;
    const result = appended(
      await store.messages.appendAssistant(ownerId, conversationId, {
        parts: textParts('Running it.'),
        plan: { source: 'grammar', steps: options.steps ?? STEPS, ...(options.browser && { browser: options.browser }) },
        run: { ...RUN_LIMITS, maxAttempts: options.maxAttempts ?? 2 },
      }),
    );
    return { conversationId, runId: result.runId!, messageId: result.message.id };
  }

  /** Claims until it gets `runId`; other tests' runs queued in the same database are finished on the way. */
  async function claim(runId: string, options: { runnerId?: string; maxDurationMs?: number } = {}) {
    const runnerId = options.runnerId ?? randomUUID();
    for (;;) {
      const claimed = await store.queue.claimNext({ runnerId, leaseMs: LEASE_MS, maxDurationMs: options.maxDurationMs ?? MAX_DURATION_MS });
      if (!claimed) throw new Error(`run ${runId} was never claimed`);
      const ref = { runnerId, runId: claimed.runId, attempt: claimed.attempt };
      if (claimed.runId === runId) return { ...claimed, ref, events: eventsOf(ref) };
      await store.queue.finish({ ...ref, seq: 1_000_000, status: 'cancelled' });
    }
  }

  /** Numbers events the way a runner does: 1, 2, 3... per attempt. */
  function eventsOf(ref: { runnerId: string; runId: string; attempt: number }) {
    let seq = 0;
    return { next: () => ({ ...ref, seq: ++seq }), last: () => seq };
  }

  /** Makes every running lease expire now, without waiting for the clock. */
  async function expireLease(ref: { runnerId: string; runId: string; attempt: number }) {
    await store.queue.renewLeases({ runnerId: ref.runnerId, runs: [ref], leaseMs: -1_000 });
  }

  return { newOwner, queueRun, claim, eventsOf, expireLease };
}
