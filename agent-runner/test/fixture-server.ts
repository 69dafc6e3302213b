import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ASSETS_DIR = join(import.meta.dirname, 'assets');

export type FixtureServer = {
  /** Absolute URL of a path on this server, e.g. `url('/login.html')`. */
  url(path: string): string;
  /**
   * The same path on another site (`localhost` instead of `127.0.0.1`), for cross-origin frames:
   * Chromium's site isolation runs such a frame in a process of its own.
   */
  crossSiteUrl(path: string): string;
  /** Resolves when the next request for `pathname` arrives, so a test can act while it is in flight. */
  nextRequest(pathname: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * Serves `test/assets/*.html` on 127.0.0.1 at a free port, plus:
 * - `/slow?ms=N`: a small page, answered after N milliseconds;
 * - `/status/N`: an empty page with HTTP status N;
 * - `/download?name=F&bytes=N&restAfterMs=M`: a file of N bytes (a repeated pattern) offered as an
 *   attachment named F; with `restAfterMs`, its second half is sent M ms after the first;
 * - `/echo`: a page showing the request's User-Agent, Accept-Language and Cookie headers, as the
 *   server received them (`#user-agent`, `#accept-language`, `#cookie`).
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
    crossSiteUrl: (path) => `http://localhost:${port}${path}`,
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
  if (pathname === '/download') return sendDownload(new URL(request.url ?? '', 'http://fixture').searchParams, response);
  if (pathname === '/echo') return sendEcho(request, response);
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

function sendEcho(request: IncomingMessage, response: ServerResponse): void {
  const header = (name: string) => escapeHtml(request.headers[name]?.toString() ?? '(none)');
  sendHtml(
    response,
    200,
    `<title>Echo</title><h1>Request headers</h1><dl>` +
      `<dt>User-Agent</dt><dd id="user-agent">${header('user-agent')}</dd>` +
      `<dt>Accept-Language</dt><dd id="accept-language">${header('accept-language')}</dd>` +
      `<dt>Cookie</dt><dd id="cookie">${header('cookie')}</dd></dl>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The bytes `/download` serves: byte i is i mod 251, so a cut or reordered file shows. */
export function downloadBytes(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, index) => index % 251));
}

function sendDownload(params: URLSearchParams, response: ServerResponse): void {
  const bytes = downloadBytes(Number(params.get('bytes') ?? 16));
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': bytes.length,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(params.get('name') ?? 'file.bin')}`,
  });
  const restAfterMs = params.get('restAfterMs');
  if (restAfterMs === null) return void response.end(bytes);
  const half = Math.floor(bytes.length / 2);
  response.write(bytes.subarray(0, half));
  const timer = setTimeout(() => response.end(bytes.subarray(half)), Number(restAfterMs));
  response.on('close', () => clearTimeout(timer));
}
