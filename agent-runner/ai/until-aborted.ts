/**
 * `work`, or a rejection as soon as `signal` aborts. Stagehand's act, observe and init take no
 * signal, and a step must stop at once when cancelled; what they do meanwhile is cut short by
 * the aborted model call or the run's closed page, and its late failure is ignored.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
