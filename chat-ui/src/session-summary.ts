import type { SessionView } from '../../protocol/index.ts';
import { formatShortTime } from './format-time.ts';

/** Sites named before "and N more". */
const SITES_SHOWN = 3;

/** "example.com, shop.example.com and 4 more sites", or "no sites yet". */
export function describeSites(sites: readonly string[]): string {
  if (sites.length === 0) return 'no sites yet';
  if (sites.length <= SITES_SHOWN) return sites.length === 1 ? sites[0]! : `${sites.slice(0, -1).join(', ')} and ${sites.at(-1)}`;
  const more = sites.length - SITES_SHOWN;
  return `${sites.slice(0, SITES_SHOWN).join(', ')} and ${more} more ${more === 1 ? 'site' : 'sites'}`;
}

/** "Saved 14:32 · expires Apr 2", or "expired" once it has (it is then no longer used). */
export function describeSessionDates({ savedAt, expiresAt }: Pick<SessionView, 'savedAt' | 'expiresAt'>, now: Date = new Date()): string {
  const expires = Date.parse(expiresAt) <= now.getTime() ? 'expired' : `expires ${formatShortTime(expiresAt, now)}`;
  return `Saved ${formatShortTime(savedAt, now)} · ${expires}`;
}
