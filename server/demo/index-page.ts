import type { DemoPage } from './demo-page.ts';
import { html } from './html.ts';

const PAGES = [
  {
    path: '/login',
    name: 'Sign in',
    summary: 'The Acme Status sign-in form. The demo account is alice@example.com with the password secret.',
  },
  {
    path: '/dashboard',
    name: 'Dashboard',
    summary: 'What Alice sees after signing in: a chart of errors in the last 24 hours and a table of services.',
  },
  {
    path: '/form',
    name: 'Settings and search',
    summary: 'A plan dropdown, a search box with only a placeholder, a button that answers after a second, and a subscribe button.',
  },
  {
    path: '/shop',
    name: 'Shop',
    summary: 'A small shop to try AI steps on: search, results with prices over two pages, product pages with Add to cart.',
  },
] as const;

export function indexPage(base: string): DemoPage {
  return {
    base,
    title: 'Demo pages',
    body: html`
<h1>skipper demo site</h1>
<p class="muted">These pages are served by skipper itself, so you can try commands without an internet connection.</p>
<div class="card">
  <ul class="pages">
    ${PAGES.map((page) => html`<li><a href="${base}${page.path}">${page.name}</a>: ${page.summary}</li>`)}
  </ul>
</div>`,
  };
}
