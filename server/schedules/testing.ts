import { pino, type Logger } from 'pino';

// Test helpers for schedules: a server's log lines, as events to wait for. A fire is logged
// ("a schedule fired", with its schedule, run, trigger, due time and instance) once its run and
// history row exist, so a test waits for the line, never for time.

export type LogLine = { level: number; msg: string; [key: string]: unknown };

export type CapturedLogs = {
  logger: Logger;
  lines: LogLine[];
  /** The first line, past or future, that matches; rejects after `timeoutMs` saying what it waited for. */
  waitFor(predicate: (line: LogLine) => boolean, options?: { timeoutMs?: number; what?: string }): Promise<LogLine>;
  /** Resolves once `count` lines match. */
  waitForCount(predicate: (line: LogLine) => boolean, count: number, options?: { timeoutMs?: number; what?: string }): Promise<LogLine[]>;
};

/** A logger (at `level`, default info) whose lines are kept as parsed JSON. */
export function captureLogs({ level = 'info' }: { level?: string } = {}): CapturedLogs {
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const logger = pino(
    { level },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
        for (const wake of waiters) wake();
      },
    },
  );
  const waitForCount: CapturedLogs['waitForCount'] = (predicate, count, { timeoutMs = 20_000, what = 'log lines' } = {}) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.filter(predicate);
        if (found.length < count) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${count} ${what}; saw ${lines.filter(predicate).length}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    logger,
    lines,
    waitForCount,
    waitFor: async (predicate, options) => (await waitForCount(predicate, 1, options))[0]!,
  };
}

/** Lines of fires of one schedule (or any). */
export const isFire = (scheduleId?: string) => (line: LogLine) => line.msg === 'a schedule fired' && (scheduleId === undefined || line.scheduleId === scheduleId);
