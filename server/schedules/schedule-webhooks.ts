import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScheduleWebhookPayload, StepOutput } from '../../protocol/index.ts';
import type { EventPort } from '../events/event-port.ts';
import type { Logger } from '../logger.ts';
import type { ScheduleWebhookDelivery, Store } from '../store/store.ts';
import type { WebhookSecretCipher } from './webhook-secret.ts';

// After each run of a schedule ends, its webhook (if it has one) receives ScheduleWebhookPayload
// as JSON, signed: X-Skipper-Signature: sha256=<hex HMAC-SHA256 of "<X-Skipper-Timestamp>.<raw body>">.
// Every instance hears `run-ended`; the delivery is claimed in the database, so one sends it.

export type ScheduleWebhooks = {
  /** Listens for runs that end, and sends what an earlier instance left unsent. */
  start(): void;
  /** Stops listening and abandons deliveries under way (marked failed). */
  stop(): Promise<void>;
  /** Sends the webhooks of ended runs nobody claimed (their event was missed). */
  sweep(): Promise<void>;
};

export type ScheduleWebhooksOptions = {
  store: Store;
  events: EventPort;
  cipher: WebhookSecretCipher;
  logger: Logger;
  /** Where people reach skipper: the payload links to the run's conversation. */
  publicUrl(): string;
  /** Default global fetch. */
  fetch?: typeof fetch;
  /** Waits before each retry; default 1 s, 5 s, 30 s (four attempts in all). */
  retryDelaysMs?: number[];
  /** Longest one attempt may take. Default 10 s. */
  timeoutMs?: number;
};

/** Runs whose webhook a sweep still sends: started this recently. */
const SWEEP_WINDOW_MS = 24 * 3_600_000;
const SWEEP_BATCH = 100;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the X-Skipper-Signature header. */
export function signWebhook({ secret, timestamp, body }: { secret: string; timestamp: string; body: string }): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Text the run read (extract steps), in step order: text as it was read, data as JSON. */
function extracted(outputs: StepOutput[]): string[] {
  return outputs.flatMap((output) => (output.text !== undefined ? [output.text] : output.data !== undefined ? [JSON.stringify(output.data)] : []));
}

/** A URL as logs show it: its origin only, since a path or query may carry a token. */
function shown(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function createScheduleWebhooks(options: ScheduleWebhooksOptions): ScheduleWebhooks {
  const { store, events, cipher, logger } = options;
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stopping = new AbortController();
  const underway = new Set<Promise<void>>();
  const unsubscribe: (() => void)[] = [];

  function payloadOf(delivery: ScheduleWebhookDelivery): ScheduleWebhookPayload {
    return {
      type: 'schedule-run-ended',
      scheduleId: delivery.scheduleId,
      scheduleName: delivery.scheduleName,
      run: delivery.run,
      extracted: extracted(delivery.outputs),
      runUrl: `${options.publicUrl()}/c/${delivery.conversationId}`,
    };
  }

  /** One POST; whether it was taken (2xx), or worth trying again (network, timeout, 408, 429, 5xx). */
  async function post(url: string, body: string, secret: string): Promise<{ ok: true } | { ok: false; retry: boolean; problem: string }> {
    const timestamp = String(Math.floor(Date.now() / 1_000));
    try {
      const response = await (options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'skipper-webhook',
          'X-Skipper-Timestamp': timestamp,
          'X-Skipper-Signature': signWebhook({ secret, timestamp, body }),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      return { ok: false, retry: response.status === 408 || response.status === 429 || response.status >= 500, problem: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, retry: true, problem: (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message };
    }
  }

  async function deliver(ownerId: string, runId: string): Promise<void> {
    const delivery = await store.schedules.claimWebhook(ownerId, runId);
    if (!delivery) return;
    const where = { scheduleId: delivery.scheduleId, runId, webhook: shown(delivery.webhook.url) };
    const secret = cipher.open({ ownerId, sealed: delivery.webhook.sealedSecret });
    if (secret === null) {
      logger.error(where, 'a schedule webhook was not sent: its secret cannot be read (was SESSION_SECRET changed?); set the webhook again');
      await store.schedules.webhookSent(ownerId, runId, 'failed');
      return;
    }
    const body = JSON.stringify(payloadOf(delivery));
    for (let attempt = 0; ; attempt++) {
      const result = await post(delivery.webhook.url, body, secret);
      if (result.ok) {
        await store.schedules.webhookSent(ownerId, runId, 'delivered');
        return;
      }
      const delayMs = retryDelaysMs[attempt];
      if (!result.retry || delayMs === undefined || stopping.signal.aborted) {
        logger.warn({ ...where, attempts: attempt + 1, problem: result.problem }, 'a schedule webhook could not be delivered');
        await store.schedules.webhookSent(ownerId, runId, 'failed');
        return;
      }
      logger.info({ ...where, attempt: attempt + 1, problem: result.problem, retryInMs: delayMs }, 'a schedule webhook failed; trying again');
      await sleep(delayMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  }

  function inBackground(ownerId: string, runId: string) {
    if (stopping.signal.aborted) return;
    const delivery = deliver(ownerId, runId)
      .catch((error: unknown) => logger.error({ err: error, runId }, 'sending a schedule webhook failed'))
      .finally(() => underway.delete(delivery));
    underway.add(delivery);
  }

  const webhooks: ScheduleWebhooks = {
    start() {
      unsubscribe.push(events.subscribe('run-ended', (event) => inBackground(event.ownerId, event.runId)));
      // Events may have been missed while the connection carrying them was down.
      unsubscribe.push(events.onGap(() => void webhooks.sweep().catch((error: unknown) => logger.warn({ err: error }, 'could not look for unsent schedule webhooks'))));
    },

    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      stopping.abort();
      await Promise.all(underway);
    },

    async sweep() {
      for (const { ownerId, runId } of await store.schedules.unsentWebhooks(new Date(Date.now() - SWEEP_WINDOW_MS), SWEEP_BATCH)) inBackground(ownerId, runId);
    },
  };
  return webhooks;
}
