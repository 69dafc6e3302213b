import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRouter } from './demo-router.ts';

let server: Server;
let origin: string;

beforeAll(async () => {
  const app = express();
  app.use('/demo', createDemoRouter());
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function get(path: string, cookie?: string) {
  return fetch(`${origin}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

function signIn(email: string, password: string) {
  return fetch(`${origin}/demo/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
}

/** The `name=value` part of the session cookie a response sets. */
function sessionCookie(response: Response): string {
  const [cookie] = response.headers.getSetCookie();
  expect(cookie).toBeDefined();
  return cookie!.split(';')[0]!;
}

describe('demo router', () => {
  it('lists the demo pages on the index, with links under the mount point', async () => {
    for (const path of ['/demo', '/demo/']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).toContain('href="/demo/login"');
      expect(page).toContain('href="/demo/dashboard"');
      expect(page).toContain('href="/demo/form"');
    }
  });

  it('serves the sign-in form with real labels and a policy that allows nothing external', async () => {
    const response = await get('/demo/login');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const page = await response.text();
    expect(page).toContain('Sign in to Acme Status');
    expect(page).toContain('<label for="email">Email</label>');
    expect(page).toContain('<label for="password">Password</label>');
    expect(page).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(page).not.toMatch(/(?:src|href)="https?:/);
  });

  it('signs alice in with an httpOnly cookie and a 303 to the dashboard', async () => {
    const response = await signIn('alice@example.com', 'secret');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/demo/dashboard');
    const [setCookie] = response.headers.getSetCookie();
    expect(setCookie).toMatch(/^skipper_demo_session=[^;]+;/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; Path=\/demo/);
    expect(setCookie).toMatch(/; SameSite=Lax/i);
  });

  it('shows the dashboard to a signed-in user', async () => {
    const cookie = sessionCookie(await signIn('Alice@Example.com', 'secret'));
    const response = await get('/demo/dashboard', cookie);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>Dashboard</h1>');
    expect(page).toContain('Signed in as alice@example.com');
    expect(page).toContain('Errors in the last 24 hours');
    expect(page).toMatch(/<svg [^>]*role="img"/);
    expect(page).toContain('<th>Service</th>');
    expect(page).toContain('href="/demo/logout">Sign out</a>');
  });

  it.each([
    ['no cookie', undefined],
    ['a hand-made cookie', `skipper_demo_session=${Buffer.from('alice@example.com').toString('base64url')}.forged`],
    ['a malformed cookie', 'skipper_demo_session=...'],
  ])('redirects to sign-in with %s', async (_name, cookie) => {
    const response = await get('/demo/dashboard', cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/demo/login');
  });

  it('refuses a wrong password with 401, keeps the email and never echoes the password', async () => {
    const response = await signIn('alice@example.com', 'hunter2-wrong');
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
    const page = await response.text();
    expect(page).toContain('Wrong email or password');
    expect(page).toContain('value="alice@example.com"');
    expect(page).not.toContain('hunter2-wrong');
  });

  it('refuses an unknown email and an empty form', async () => {
    expect((await signIn('bob@example.com', 'secret')).status).toBe(401);
    const empty = await fetch(`${origin}/demo/login`, { method: 'POST', redirect: 'manual' });
    expect(empty.status).toBe(401);
  });

  it('escapes a reflected email', async () => {
    const response = await signIn('"><script>alert(1)</script>', 'x');
    const page = await response.text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('signs out by clearing the cookie', async () => {
    const response = await get('/demo/logout');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/demo/login');
    expect(response.headers.getSetCookie()[0]).toMatch(/^skipper_demo_session=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('serves the form page with a Plan select, a placeholder-only search box and the two buttons', async () => {
    const response = await get('/demo/form');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<label for="plan">Plan</label>');
    for (const plan of ['Free', 'Team', 'Enterprise']) expect(page).toContain(`>${plan}</option>`);
    expect(page).toMatch(/<input type="search" name="q" placeholder="Search docs" value="">/);
    expect(page).toContain('id="check-status">Check status</button>');
    expect(page).toContain('id="subscribe">Subscribe</button>');
    expect(page).toContain('Thanks for subscribing');
    const nonce = /script-src 'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(page).toContain(`<script nonce="${nonce}">`);
  });

  it('searches the docs and escapes the query', async () => {
    const found = await (await get('/demo/form?q=webhooks')).text();
    expect(found).toContain('Results for “webhooks”');
    expect(found).toContain('<strong>Webhooks</strong>');
    const hostile = await (await get(`/demo/form?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`)).text();
    expect(hostile).not.toContain('<img src=x');
    expect(hostile).toContain('Results for “&lt;img src=x onerror=alert(1)&gt;”');
  });
});

describe('demo shop', () => {
  it('searches, lists four results a page with prices, and links to the next page', async () => {
    const first = await (await get('/demo/shop/search?q=laptop')).text();
    expect(first).toContain('6 products found. Page 1 of 2.');
    expect(first.match(/<li class="product">/g)).toHaveLength(4);
    expect(first).toContain('<a class="name" href="/demo/shop/product/1">Aero 13 laptop</a> <span class="price">$899.00</span>');
    expect(first).toContain('href="/demo/shop/search?q=laptop&amp;page=2">Next page</a>');
    const second = await (await get('/demo/shop/search?q=laptop&page=2')).text();
    expect(second.match(/<li class="product">/g)).toHaveLength(2);
    expect(second).toContain('$1,349.00');
    expect(second).not.toContain('Next page');
  });

  it('shows a product and adds it to the cart; an unknown one is a 404', async () => {
    expect(await (await get('/demo/shop/product/2')).text()).toContain('<button type="submit">Add to cart</button>');
    const added = await fetch(`${origin}/demo/shop/product/2/cart`, { method: 'POST' });
    expect(await added.text()).toContain('Added Forge 16 laptop to your cart.');
    expect((await get('/demo/shop/product/99')).status).toBe(404);
    expect((await get('/demo/shop/product/abc')).status).toBe(404);
  });

  it('renames and moves the search button and shows results as cards in the redesign', async () => {
    const app = express();
    app.use(createDemoRouter({ shopDesign: () => 'redesigned' }));
    const redesigned = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const url = `http://127.0.0.1:${(redesigned.address() as AddressInfo).port}`;
      const home = await (await fetch(`${url}/shop`)).text();
      expect(home).toContain('<button type="submit" class="primary">Find</button>');
      expect(home).not.toContain('>Search</button>');
      const results = await (await fetch(`${url}/shop/search?q=mouse`)).text();
      expect(results).toContain('<article class="tile"><h3><a href="/shop/product/7">Drift wireless mouse</a></h3><p class="cost">$29.00</p></article>');
    } finally {
      await new Promise((resolve) => redesigned.close(resolve));
    }
  });
});
