import type { Logger } from '../logger.ts';
import type { SkipperEvent, SkipperEventOf, SkipperEventType } from './skipper-events.ts';

export type EventHandler<Type extends SkipperEventType> = (event: SkipperEventOf<Type>) => void;

/**
 * Where skipper's parts tell each other what happened (ARCHITECTURE D11). Publish after the
 * change is committed; every subscriber of every instance gets the event once, asynchronously,
 * in the order this instance published its events.
 */
export type EventPort = {
  publish(event: SkipperEvent): void;
  /** Calls `handler` with every event of this type from now on; returns the unsubscribe function. */
  subscribe<Type extends SkipperEventType>(type: Type, handler: EventHandler<Type>): () => void;
  /**
   * Calls `handler` when events may have been missed (the connection that carries them was
   * lost and is back): subscribers that mirror state read it again.
   */
  onGap(handler: () => void): () => void;
  /** Resolves once every event published here so far has reached this instance's subscribers. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

/** The subscribers of one instance, shared by both implementations. */
export function createSubscribers(logger: Logger) {
  const handlers = new Map<SkipperEventType, Set<(event: SkipperEvent) => void>>();
  const gapHandlers = new Set<() => void>();
  const call = (handler: () => void, what: object) => {
    try {
      handler();
    } catch (error) {
      // One failing subscriber must not keep the event from the others.
      logger.error({ err: error, ...what }, 'an event subscriber failed');
    }
  };
  return {
    subscribe<Type extends SkipperEventType>(type: Type, handler: EventHandler<Type>): () => void {
      const set = handlers.get(type) ?? new Set();
      const untyped = handler as (event: SkipperEvent) => void;
      set.add(untyped);
      handlers.set(type, set);
      return () => set.delete(untyped);
    },
    onGap(handler: () => void): () => void {
      gapHandlers.add(handler);
      return () => gapHandlers.delete(handler);
    },
    deliver(event: SkipperEvent): void {
      for (const handler of handlers.get(event.type) ?? []) call(() => handler(event), { event: event.type });
    },
    gap(): void {
      for (const handler of gapHandlers) call(handler, { event: 'gap' });
    },
  };
}

/** Events within one process: for a single server instance (the default) and unit tests. */
export function createInProcessEvents({ logger }: { logger: Logger }): EventPort {
  const subscribers = createSubscribers(logger);
  let pending = Promise.resolve();
  return {
    publish(event) {
      // Asynchronous like the database's delivery, and in publishing order.
      pending = pending.then(() => subscribers.deliver(event));
    },
    subscribe: subscribers.subscribe,
    onGap: subscribers.onGap,
    idle: () => pending,
    async close() {
      await pending;
    },
  };
}
