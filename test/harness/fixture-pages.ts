import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGrowingList } from './growing-list.ts';

/** A file the upload page posted back, as its page's `File` had it. */
export type ReceivedUpload = { name: string; mimeType: string; bytes: Buffer };

export type FixturePages = {
  /** Absolute URL of a path on this site. */
  url(path: string): string;
  /** Paths of the `/held/…` requests waiting for an answer, oldest first. */
  held(): string[];
  /** The most `/held/…` requests that were waiting at the same moment. */
  mostHeldAtOnce(): number;
  /** Resolves when exactly `count` `/held/…` requests are waiting. */
  waitForHeld(count: number, timeoutMs?: number): Promise<void>;
  /** Answers the oldest waiting `/held/…` request; returns its path. */
  releaseOldest(): string;
  /** Resolves with the first file (past or future) the upload page posted whose name is `name`. */
  upload(name: string, timeoutMs?: number): Promise<ReceivedUpload>;
  close(): Promise<void>;
};

/**
 * Pages the agent-runner fixture server does not have, on 127.0.0.1 at a free port:
 * - `/upload`: a file input labelled "Invoice" that shows the chosen file's name, size and type,
 *   then posts the file itself to `/received`, so a test can compare the bytes the page saw;
 * - `/held/…`: a page answered only when the test releases it, so a run that opens one is
 *   provably mid-step however slow the machine, and the site sees how many runs are at once.
 */
export async function startFixturePages(): Promise<FixturePages> {
  const held: { path: string; response: ServerResponse }[] = [];
  const heldCounts = createGrowingList<number>();
  let most = 0;
  const uploads = createGrowingList<ReceivedUpload>();
  const noteHeld = () => {
    most = Math.max(most, held.length);
    heldCounts.push(held.length);
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fixture');
    if (url.pathname === '/upload') return sendHtml(response, UPLOAD_PAGE);
    if (url.pathname === '/received' && request.method === 'POST') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        uploads.push({ name: url.searchParams.get('name') ?? '', mimeType: request.headers['content-type'] ?? '', bytes: Buffer.concat(chunks) });
        response.writeHead(204).end();
      });
      return;
    }
    if (url.pathname.startsWith('/held/')) {
      const entry = { path: url.pathname, response };
      held.push(entry);
      // A browser that gives up on the page (its run ended) no longer waits for it.
      response.on('close', () => {
        const index = held.indexOf(entry);
        if (index >= 0) {
          held.splice(index, 1);
          noteHeld();
        }
      });
      noteHeld();
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Not found</title><p>Not found</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: (path) => `${origin}${path}`,
    held: () => held.map((entry) => entry.path),
    mostHeldAtOnce: () => most,
    async waitForHeld(count, timeoutMs = 30_000) {
      if (held.length === count) return;
      await heldCounts.waitFor((_seen) => held.length === count, {
        timeoutMs,
        describe: () => `expected ${count} held requests, have ${held.length}: ${JSON.stringify(held.map((entry) => entry.path))}`,
      });
    },
    releaseOldest() {
      const entry = held.shift();
      if (!entry) throw new Error('no held request to release');
      noteHeld();
      sendHtml(entry.response, `<!doctype html><title>Released</title><h1>Released ${entry.path}</h1>`);
      return entry.path;
    },
    upload: (name, timeoutMs = 30_000) =>
      uploads.waitFor((upload) => upload.name === name, {
        timeoutMs,
        describe: () => `no upload named ${JSON.stringify(name)}; received ${JSON.stringify(uploads.items.map((upload) => upload.name))}`,
      }),
    async close() {
      for (const entry of held.splice(0)) entry.response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function sendHtml(response: ServerResponse, html: string): void {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
}

const UPLOAD_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Upload an invoice</title></head>
<body>
  <h1>Upload an invoice</h1>
  <p><label for="invoice">Invoice</label> <input id="invoice" type="file"></p>
  <p id="chosen">No file chosen</p>
  <p id="sent"></p>
  <script>
    const input = document.getElementById('invoice');
    input.addEventListener('change', async () => {
      const file = input.files[0];
      document.getElementById('chosen').textContent = file.name + ', ' + file.size + ' bytes, ' + file.type;
      const response = await fetch('/received?name=' + encodeURIComponent(file.name), { method: 'POST', headers: { 'Content-Type': file.type }, body: file });
      document.getElementById('sent').textContent = response.ok ? 'Received by the site' : 'The site refused it';
    });
  </script>
</body>
</html>`;
