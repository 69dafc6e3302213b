import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ASSETS_DIR = join(import.meta.dirname, 'assets');

export type FixtureServer = {
  /** Absolute URL of a path on this server, e.g. `url('/login.html')`. */
  url(path: string): string;
  /** Resolves when the next request for `pathname` arrives, so a test can act while it is in flight. */
  nextRequest(pathname: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * Serves `test/assets/*.html` on 127.0.0.1 at a free port, plus:
 * - `/slow?ms=N`: a small page, answered after N milliseconds;
 * - `/status/N`: an empty page with HTTP status N.
 */
export async function startFixtureServer(): Promise<FixtureServer> {
  const waiters = new Map<string, Array<() => void>>();
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://fixture');
    for (const resolve of waiters.get(pathname) ?? []) resolve();
    waiters.delete(pathname);
    handle(pathname, request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    nextRequest: (pathname) =>
      new Promise((resolve) => {
        waiters.set(pathname, [...(waiters.get(pathname) ?? []), resolve]);
      }),
    close: async () => {
      // Requests still waiting in /slow would otherwise hold close() open.
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function handle(pathname: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (pathname === '/slow') {
    const ms = Number(new URL(request.url ?? '', 'http://fixture').searchParams.get('ms') ?? 0);
    const timer = setTimeout(() => sendHtml(response, 200, '<title>Slow</title><p>Finally loaded</p>'), ms);
    // The browser gives up on slow pages; don't answer a socket nobody listens to.
    response.on('close', () => clearTimeout(timer));
    return;
  }
  const status = /^\/status\/(\d{3})$/.exec(pathname)?.[1];
  if (status) return sendHtml(response, Number(status), `<title>${status}</title><p>Status ${status}</p>`);
  const name = /^\/([\w-]+\.html)$/.exec(pathname)?.[1];
  const html = name && (await readFile(join(ASSETS_DIR, name), 'utf8').catch(() => undefined));
  if (html) return sendHtml(response, 200, html);
  sendHtml(response, 404, '<title>Not found</title><p>Not found</p>');
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}
