import { html } from './html.ts';
import type { SafeHtml } from './html.ts';

/** Errors per hour, oldest first. Fixed numbers: the demo must look the same in every screenshot. */
export const ERRORS_BY_HOUR: readonly number[] = [
  12, 9, 7, 6, 5, 6, 9, 14, 22, 31, 28, 24, 26, 35, 48, 41, 33, 29, 25, 21, 18, 16, 14, 13,
];

const WIDTH = 680;
const HEIGHT = 200;
const AXIS_HEIGHT = 24;
const GAP = 6;

/** A bar chart as inline SVG, with a text alternative for screen readers and the runner's snapshots. */
export function errorsChart(): SafeHtml {
  const total = ERRORS_BY_HOUR.reduce((sum, count) => sum + count, 0);
  const peak = Math.max(...ERRORS_BY_HOUR);
  const barWidth = (WIDTH - GAP * (ERRORS_BY_HOUR.length - 1)) / ERRORS_BY_HOUR.length;
  const plotHeight = HEIGHT - AXIS_HEIGHT;
  const bars = ERRORS_BY_HOUR.map((count, hour) => {
    const height = Math.round((count / peak) * (plotHeight - 8));
    const hoursAgo = ERRORS_BY_HOUR.length - hour;
    return html`<rect x="${(hour * (barWidth + GAP)).toFixed(1)}" y="${plotHeight - height}" width="${barWidth.toFixed(1)}" height="${height}" rx="3" fill="${count === peak ? '#0f766e' : '#9fb3c8'}"><title>${hoursAgo} h ago: ${count} errors</title></rect>`;
  });
  return html`
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="errors-chart-title">
  <title id="errors-chart-title">Errors per hour over the last 24 hours: ${total} in total, at most ${peak} in one hour.</title>
  ${bars}
  <line x1="0" y1="${plotHeight}" x2="${WIDTH}" y2="${plotHeight}" stroke="#bcccdc"/>
  <text x="0" y="${HEIGHT - 6}" font-size="12" fill="#52606d">24 h ago</text>
  <text x="${WIDTH / 2}" y="${HEIGHT - 6}" font-size="12" fill="#52606d" text-anchor="middle">12 h ago</text>
  <text x="${WIDTH}" y="${HEIGHT - 6}" font-size="12" fill="#52606d" text-anchor="end">now</text>
</svg>
<p class="muted">${total} errors in total; the busiest hour had ${peak}.</p>`;
}
