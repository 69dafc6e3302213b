import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { createSubscribers, type EventPort } from './event-port.ts';
import { SkipperEventSchema, type SkipperEvent } from './skipper-events.ts';

export type PostgresEventsOptions = {
  connectionString: string;
  logger: Logger;
  /** The NOTIFY channel; instances that should hear each other use the same one. */
  channel?: string;
};

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; an event larger than this stays in its instance. */
const MAX_PAYLOAD_BYTES = 7_900;
/** Events kept while the connection is down, sent when it is back; past this the oldest are delivered here only. */
const MAX_BACKLOG = 10_000;
const RECONNECT_DELAYS_MS = { first: 100, max: 5_000 };

type Entry = { n: number; payload: string; event: SkipperEvent };

/** An event as it travels: which instance sent it, numbered, so the sender knows when it heard it back. */
const EnvelopeSchema = z.strictObject({ from: z.uuid(), n: z.number().int().min(0), event: SkipperEventSchema });

/**
 * Events between every server instance on one database, over PostgreSQL LISTEN/NOTIFY. One
 * connection per instance listens and notifies, so this instance's events go out (and come
 * back) in the order it published them. Callers publish after their transaction committed, so
 * a subscriber that reads the database sees the change. If the connection drops, it is made
 * again and subscribers hear of the gap (they may have missed events meanwhile).
 */
export async function createPostgresEvents({ connectionString, logger, channel = 'skipper_events' }: PostgresEventsOptions): Promise<EventPort> {
  const instance = randomUUID();
  const subscribers = createSubscribers(logger);
  /** This instance's events on their way round, by number: resolved when heard back (or given up on). */
  const unheard = new Map<number, { arrived: Promise<void>; resolve(): void }>();
  let published = 0;
  let client: pg.Client | undefined;
  /** Events published while the connection was down, in order. */
  const backlog: Entry[] = [];
  /** Events waiting for the query under way on the connection to finish. */
  const outgoing: Entry[] = [];
  let flushing = false;
  let closing = false;

  function heard(n: number) {
    unheard.get(n)?.resolve();
    unheard.delete(n);
  }

  function onNotification(message: pg.Notification) {
    if (message.channel !== channel || message.payload === undefined) return;
    let envelope: z.infer<typeof EnvelopeSchema>;
    try {
      envelope = EnvelopeSchema.parse(JSON.parse(message.payload));
    } catch (error) {
      logger.warn({ err: error }, 'ignored an event that is not one of skipper\'s');
      return;
    }
    subscribers.deliver(envelope.event);
    if (envelope.from === instance) heard(envelope.n);
  }

  async function connect(): Promise<pg.Client> {
    const fresh = new pg.Client({ connectionString });
    fresh.on('notification', onNotification);
    // Handled by 'end', which follows; unhandled, an 'error' would crash the process.
    fresh.on('error', (error) => logger.warn({ err: error }, 'the event connection failed'));
    fresh.on('end', () => void reconnect(fresh));
    await fresh.connect();
    await fresh.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    return fresh;
  }

  /** Sends an event, or keeps it for when the connection is back. */
  function send(entry: Entry) {
    if (!client) {
      backlog.push(entry);
      // Too long an outage: the oldest go to this instance only, rather than memory without end.
      if (backlog.length > MAX_BACKLOG) deliverHere(backlog.shift()!);
      return;
    }
    outgoing.push(entry);
    if (!flushing) void flush(client);
  }

  /**
   * Sends what is waiting, one query at a time on the connection (a client runs one query at a
   * time), each query carrying every event that arrived meanwhile, in order.
   */
  async function flush(sentOn: pg.Client) {
    flushing = true;
    try {
      while (outgoing.length > 0) {
        const batch = outgoing.splice(0);
        try {
          await sentOn.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [channel, batch.map((entry) => entry.payload)]);
        } catch (error) {
          logger.warn({ err: error, events: batch.length }, 'could not share events yet');
          backlog.push(...batch, ...outgoing.splice(0));
          // Usually the connection is going and its 'end' reconnects, which sends the backlog; if a
          // connection is there (this one, or one made meanwhile), try again shortly.
          setTimeout(() => {
            if (client) for (const kept of backlog.splice(0)) send(kept);
          }, RECONNECT_DELAYS_MS.first).unref();
          return;
        }
      }
    } finally {
      flushing = false;
    }
  }

  function deliverHere({ n, event }: { n: number; event: SkipperEvent }) {
    subscribers.deliver(event);
    heard(n);
  }

  async function reconnect(lost: pg.Client) {
    if (closing || client !== lost) return;
    client = undefined;
    for (let delayMs = RECONNECT_DELAYS_MS.first; !closing; delayMs = Math.min(delayMs * 2, RECONNECT_DELAYS_MS.max)) {
      try {
        const fresh = await connect();
        if (closing) {
          await fresh.end();
          return;
        }
        client = fresh;
        logger.info('the event connection is back');
        subscribers.gap();
        for (const entry of backlog.splice(0)) send(entry);
        return;
      } catch (error) {
        logger.warn({ err: error, retryInMs: delayMs }, 'could not reconnect the event connection');
        await sleep(delayMs);
      }
    }
  }

  client = await connect();

  return {
    publish(event) {
      const n = published++;
      const payload = JSON.stringify({ from: instance, n, event });
      let resolve!: () => void;
      const arrived = new Promise<void>((done) => (resolve = done));
      unheard.set(n, { arrived, resolve });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        logger.warn({ event: event.type, bytes: Buffer.byteLength(payload) }, 'an event too large to share was delivered to this instance only');
        queueMicrotask(() => deliverHere({ n, event }));
        return;
      }
      send({ n, payload, event });
    },
    subscribe: subscribers.subscribe,
    onGap: subscribers.onGap,
    async idle() {
      while (unheard.size > 0) await Promise.all([...unheard.values()].map((entry) => entry.arrived));
    },
    async close() {
      closing = true;
      const current = client;
      client = undefined;
      // What could not be sent is at least delivered here.
      for (const entry of backlog.splice(0)) deliverHere(entry);
      for (const n of [...unheard.keys()]) heard(n);
      await current?.end().catch(() => {});
    },
  };
}
