/** Host names that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether a request's Host header names this server. Bound to loopback (the default),
 * skipper answers only to loopback names and PUBLIC_URL's host: a web page whose domain is
 * re-pointed at 127.0.0.1 (DNS rebinding) must not be able to drive the local browser agent.
 * Bound to another address, the operator controls who can reach it, and any host is accepted.
 */
export function createHostCheck({ listenHost, publicUrl }: { listenHost: string; publicUrl?: string }) {
  if (!LOOPBACK_NAMES.has(listenHost)) return (_host: string | undefined) => true;
  const allowed = new Set(LOOPBACK_NAMES);
  if (publicUrl) allowed.add(new URL(publicUrl).hostname);
  return (host: string | undefined) => {
    if (!host) return false;
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    return allowed.has(name.toLowerCase());
  };
}
