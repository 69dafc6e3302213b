import type { DemoPage } from './demo-page.ts';
import { html } from './html.ts';

/**
 * The shop's two designs: `classic`, and `redesigned`, where the search button is renamed and
 * moved and results are cards instead of a list. A plan compiled on one design heals on the
 * other; the demo serves `classic`, tests switch between them.
 */
export type ShopDesign = 'classic' | 'redesigned';

export type Product = { id: number; name: string; price: number; category: string; description: string };

export const PRODUCTS: readonly Product[] = [
  { id: 1, name: 'Aero 13 laptop', price: 899, category: 'laptop', description: 'A light 13-inch laptop with a 14-hour battery.' },
  { id: 2, name: 'Forge 16 laptop', price: 1549, category: 'laptop', description: 'A 16-inch workstation with a dedicated graphics card.' },
  { id: 3, name: 'Breeze 14 laptop', price: 649, category: 'laptop', description: 'A 14-inch laptop for school and travel.' },
  { id: 4, name: 'Atlas 15 laptop', price: 1199, category: 'laptop', description: 'A 15-inch laptop with a numeric keypad.' },
  { id: 5, name: 'Pico 12 laptop', price: 499, category: 'laptop', description: 'A 12-inch laptop that fits in any bag.' },
  { id: 6, name: 'Summit 14 laptop', price: 1349, category: 'laptop', description: 'A 14-inch laptop with a 3K display.' },
  { id: 7, name: 'Drift wireless mouse', price: 29, category: 'mouse', description: 'A quiet mouse with a USB-C receiver.' },
  { id: 8, name: 'Tide mechanical keyboard', price: 119, category: 'keyboard', description: 'A compact keyboard with hot-swap switches.' },
  { id: 9, name: 'Halo 27 monitor', price: 329, category: 'monitor', description: 'A 27-inch 1440p monitor with a USB-C hub.' },
];

/** Results shown per page, so a search for laptops has two pages. */
export const RESULTS_PER_PAGE = 4;

export function formatPrice(price: number): string {
  return `$${price.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Products whose name, category or description contain the query, in catalogue order. */
export function searchProducts(query: string): Product[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...PRODUCTS];
  return PRODUCTS.filter((product) => `${product.name} ${product.category} ${product.description}`.toLowerCase().includes(needle));
}

function searchForm(base: string, design: ShopDesign, query = '') {
  if (design === 'classic') {
    return html`
<form class="card search" method="get" action="${base}/shop/search">
  <label for="q">Search products</label>
  <input id="q" name="q" value="${query}">
  <button type="submit">Search</button>
</form>`;
  }
  return html`
<div class="card">
  <p class="muted">Free delivery on orders over $50.</p>
  <form class="finder" method="get" action="${base}/shop/search">
    <div class="finder-actions"><button type="submit" class="primary">Find</button></div>
    <label for="query">Search products</label>
    <input id="query" name="q" value="${query}" placeholder="What are you looking for?">
  </form>
</div>`;
}

export function shopHomePage({ base, design }: { base: string; design: ShopDesign }): DemoPage {
  return {
    base,
    title: 'Shop',
    body: html`
<h1>Acme Shop</h1>
${searchForm(base, design)}
<p class="muted">${PRODUCTS.length} products in laptops, mice, keyboards and monitors.</p>`,
  };
}

export function shopResultsPage({ base, design, query, page }: { base: string; design: ShopDesign; query: string; page: number }): DemoPage {
  const found = searchProducts(query);
  const pages = Math.max(1, Math.ceil(found.length / RESULTS_PER_PAGE));
  const current = Math.min(Math.max(page, 1), pages);
  const shown = found.slice((current - 1) * RESULTS_PER_PAGE, current * RESULTS_PER_PAGE);
  const link = (to: number) => `${base}/shop/search?${new URLSearchParams({ q: query, page: String(to) })}`;
  const results =
    design === 'classic'
      ? html`<ul class="results">${shown.map(
          (product) => html`<li class="product"><a class="name" href="${base}/shop/product/${product.id}">${product.name}</a> <span class="price">${formatPrice(product.price)}</span></li>`,
        )}</ul>`
      : html`<div class="grid">${shown.map(
          (product) => html`<article class="tile"><h3><a href="${base}/shop/product/${product.id}">${product.name}</a></h3><p class="cost">${formatPrice(product.price)}</p></article>`,
        )}</div>`;
  return {
    base,
    title: `Results for ${query}`,
    body: html`
<h1>Results for “${query}”</h1>
${searchForm(base, design, query)}
<p class="muted">${found.length} ${found.length === 1 ? 'product' : 'products'} found. Page ${current} of ${pages}.</p>
${shown.length === 0 ? html`<p>No products match.</p>` : results}
<nav class="pages">
  ${current > 1 ? html`<a href="${link(current - 1)}">Previous page</a>` : ''}
  ${current < pages ? html`<a href="${link(current + 1)}">Next page</a>` : ''}
</nav>`,
  };
}

export function shopProductPage({ base, product, added }: { base: string; product: Product; added: boolean }): DemoPage {
  return {
    base,
    title: product.name,
    body: html`
<h1>${product.name}</h1>
<section class="card">
  <p class="price">${formatPrice(product.price)}</p>
  <p>${product.description}</p>
  <form method="post" action="${base}/shop/product/${product.id}/cart"><button type="submit">Add to cart</button></form>
  ${added ? html`<p class="notice" role="status">Added ${product.name} to your cart.</p>` : ''}
</section>
<p><a href="${base}/shop">Back to the shop</a></p>`,
  };
}

export function shopNotFoundPage({ base }: { base: string }): DemoPage {
  return { base, title: 'Not found', status: 404, body: html`<h1>No such product</h1><p><a href="${base}/shop">Back to the shop</a></p>` };
}
