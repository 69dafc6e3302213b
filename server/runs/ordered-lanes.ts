/**
 * Work applied in the order it was queued within each lane, lanes side by side. A runner's
 * events must be applied in order per run (the store fences each by its seq), but the runs of
 * one runner have nothing to wait for from each other: with one lane per run, eight runs'
 * steps are stored at the same time instead of one after another. A lane first waits for the
 * work already queued on the shared lane (the runner's hello, say).
 */
export function createOrderedLanes(onError: (error: unknown) => void) {
  let shared = Promise.resolve();
  const lanes = new Map<string, Promise<void>>();

  return {
    /** Queues `work` on the shared lane. */
    enqueueShared(work: () => Promise<void>): void {
      shared = shared.then(work).catch(onError);
    },
    /** Queues `work` on lane `key`, after what that lane, or else the shared lane, has queued so far. */
    enqueue(key: string, work: () => Promise<void>): void {
      const tail = (lanes.get(key) ?? shared).then(work).catch(onError);
      lanes.set(key, tail);
      // An idle lane is forgotten; its next work waits for the shared lane again, which is later still.
      void tail.finally(() => {
        if (lanes.get(key) === tail) lanes.delete(key);
      });
    },
    /** Resolves once everything queued so far, on every lane, is done. */
    async drained(): Promise<void> {
      await Promise.all([shared, ...lanes.values()]);
    },
  };
}
