/** `10000` -> `"10 s"`, `2500` -> `"2.5 s"`: how step messages state a duration. */
export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
