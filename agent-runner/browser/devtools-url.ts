import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago: bound once, then released. */
export async function freeLocalPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export type DevtoolsUrlOptions = {
  /** An `http(s)://host:port` DevTools address, or already a `ws(s)://…/devtools/browser/…` one. */
  cdpUrl: string;
  /** How long Chromium may take to answer, in milliseconds. Default: 10 000. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
};

/**
 * The browser-level DevTools WebSocket URL, which Stagehand v3 needs to attach to a browser
 * (it accepts neither a Playwright Browser nor an http address). An http address is asked for
 * it (`/json/version`); Chromium names itself by the address it listens on, which behind a
 * proxy or in another container is not the one we reach it by, so the host we used is kept.
 */
export async function devtoolsUrl(options: DevtoolsUrlOptions): Promise<string> {
  const given = new URL(options.cdpUrl);
  if (given.protocol === 'ws:' || given.protocol === 'wss:') return options.cdpUrl;
  const fetch = options.fetch ?? globalThis.fetch;
  const response = await fetch(new URL('/json/version', given), { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  if (!response.ok) throw new Error(`${given.origin}/json/version answered HTTP ${response.status}`);
  const { webSocketDebuggerUrl } = (await response.json()) as { webSocketDebuggerUrl?: unknown };
  if (typeof webSocketDebuggerUrl !== 'string') throw new Error(`${given.origin}/json/version names no webSocketDebuggerUrl`);
  const url = new URL(webSocketDebuggerUrl);
  url.protocol = given.protocol === 'https:' ? 'wss:' : 'ws:';
  url.host = given.host;
  return url.toString();
}
