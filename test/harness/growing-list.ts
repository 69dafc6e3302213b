/**
 * A list that grows as events arrive (log lines, socket messages), with a way to wait for
 * the first item, past or future, that matches: tests wait for the event, never for time.
 */
export type GrowingList<T> = {
  items: T[];
  push(item: T): void;
  /** Rejects after `timeoutMs`, or when `abandon` resolves first, with `describe()` in the message. */
  waitFor(predicate: (item: T) => boolean, options: { timeoutMs: number; describe(): string; abandon?: Promise<unknown> }): Promise<T>;
};

export function createGrowingList<T>(): GrowingList<T> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  return {
    items,
    push(item) {
      items.push(item);
      for (const wake of waiters) wake();
    },
    waitFor(predicate, { timeoutMs, describe, abandon }) {
      return new Promise((resolve, reject) => {
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        const check = () => {
          const found = items.find(predicate);
          if (found !== undefined) finish(() => resolve(found));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out: ${describe()}`))), timeoutMs);
        void abandon?.then(() => {
          if (!items.some(predicate)) finish(() => reject(new Error(`gave up: ${describe()}`)));
        });
        waiters.add(check);
        check();
      });
    },
  };
}
