import type { Logger } from '../logger.ts';

export type PeriodicTask = {
  /** Runs the task now (unless it is already running), then every `everyMs`. */
  start(): void;
  /** Runs the task once more now, or as soon as the current run ends. */
  runNow(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
};

/**
 * A task repeated every `everyMs`, never two runs at once: a slow database does not pile up
 * overlapping sweeps. A failed run is logged and the next one happens on time.
 */
export function createPeriodicTask({ name, everyMs, run, logger }: { name: string; everyMs: number; run(): Promise<void>; logger: Logger }): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  function runNow() {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await run().catch((error: unknown) => logger.error({ err: error }, `${name} failed`));
      } while (again);
    })().finally(() => {
      running = undefined;
    });
  }

  return {
    start() {
      runNow();
      timer = setInterval(runNow, everyMs);
      timer.unref();
    },
    runNow,
    async stop() {
      clearInterval(timer);
      timer = undefined;
      again = false;
      await running;
    },
  };
}
