import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HeldSite = {
  url: string;
  /** Answers every request held so far, and every later one at once. */
  release(): void;
  /** Resolves when a request for `path` is being held. */
  requested(path: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * A site whose pages under /held/ do not answer until the test releases them: a run that
 * opens one is provably mid-step, however slow the machine. Other paths answer at once.
 * `/` has a form whose "Place order" button posts to /held/order.
 */
export async function startHeldSite(): Promise<HeldSite> {
  let holding = true;
  const held: { path: string; response: ServerResponse }[] = [];
  const waiters = new Map<string, () => void>();
  const answer = (response: ServerResponse) =>
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Page</title><h1>Finally here</h1>');

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') {
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><title>Shop</title><form method="post" action="/held/order"><button>Place order</button></form>');
      return;
    }
    if (!path.startsWith('/held/') || !holding) {
      answer(response);
      return;
    }
    held.push({ path, response });
    waiters.get(path)?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  function release() {
    holding = false;
    for (const { response } of held.splice(0)) answer(response);
  }

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    requested(path) {
      if (held.some((request) => request.path === path)) return Promise.resolve();
      return new Promise((resolve) => waiters.set(path, resolve));
    },
    async close() {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
