import type { StorageState } from '../../protocol/index.ts';

/** Most sites listed for one session (SessionViewSchema's limit). */
const MAX_SITES = 500;

/** The sites a browser state holds a login for: its cookies' domains and its storage's hosts, sorted. */
export function sitesOf(state: StorageState): string[] {
  const sites = new Set<string>();
  for (const cookie of state.cookies) {
    const domain = cookie.domain.replace(/^\./, '').toLowerCase();
    if (domain) sites.add(domain);
  }
  for (const { origin } of state.origins) {
    const host = URL.parse(origin)?.hostname;
    if (host) sites.add(host.toLowerCase());
  }
  return [...sites].sort().slice(0, MAX_SITES);
}
