/** First reconnect waits 0.5-1 s; each failed attempt doubles the ceiling. */
const BASE_DELAY_MS = 1000;
/** No wait exceeds this, however many attempts have failed. */
const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before reconnect attempt number `attempt` (0 for the first).
 * Exponential backoff with "equal jitter": half the ceiling is fixed, so a wait is never near
 * zero (no hot loop), and the other half is random, so many tabs don't reconnect in lockstep.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
