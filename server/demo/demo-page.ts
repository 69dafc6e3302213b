import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { html, toHtmlString, trusted } from './html.ts';
import type { SafeHtml } from './html.ts';

export interface DemoPage {
  /** Where the demo router is mounted (`req.baseUrl`), so links work wherever it is mounted. */
  base: string;
  title: string;
  body: SafeHtml;
  /** Script we wrote for this page; it runs under a per-response CSP nonce. */
  script?: string;
  /** HTTP status; defaults to 200. */
  status?: number;
}

const STYLESHEET = `
  :root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #0f766e;
    --paper: #ffffff; --wash: #f5f7fa; --danger: #b42318; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    color: var(--ink); background: var(--wash); }
  header { background: var(--paper); border-bottom: 1px solid var(--line); }
  header nav { max-width: 760px; margin: 0 auto; padding: 14px 20px; display: flex; gap: 20px; align-items: baseline; }
  header .brand { font-weight: 650; color: var(--ink); text-decoration: none; }
  header .brand span { color: var(--muted); font-weight: 400; }
  main { max-width: 760px; margin: 32px auto; padding: 0 20px; }
  h1 { font-size: 1.6rem; margin: 0 0 8px; }
  h2 { font-size: 1.1rem; margin: 0 0 12px; }
  a { color: var(--accent); }
  .card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 20px 0; }
  .muted { color: var(--muted); }
  label { display: block; font-weight: 600; margin: 14px 0 4px; }
  input, select { width: 100%; max-width: 360px; padding: 8px 10px; font: inherit; border: 1px solid #bcccdc; border-radius: 6px; }
  button { display: block; margin-top: 16px; padding: 8px 18px; font: inherit; font-weight: 600; color: #fff; background: var(--accent);
    border: 0; border-radius: 6px; cursor: pointer; }
  button:disabled { background: #7fb3ad; cursor: default; }
  .error { color: var(--danger); background: #fef3f2; border: 1px solid #fecdca; border-radius: 6px; padding: 8px 12px; margin: 0 0 8px; }
  .notice { color: var(--accent); font-weight: 600; min-height: 1.5em; margin: 12px 0 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 8px 6px; border-bottom: 1px solid var(--line); }
  th { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
  ul.pages li { margin: 12px 0; }
  .degraded { color: #b54708; font-weight: 600; }
`;

/**
 * Sends a demo page. Pages load nothing from elsewhere, and the Content-Security-Policy says so;
 * scripts need this response's nonce, so even a reflected value that slipped past escaping would not run.
 */
export function sendDemoPage(res: Response, page: DemoPage): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(page.status ?? 200)
    .set({
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src data:; form-action 'self'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    })
    .type('html')
    .send(toHtmlString(renderDemoPage(page, nonce)));
}

function renderDemoPage(page: DemoPage, nonce: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Acme Status demo</title>
<style>${trusted(STYLESHEET)}</style>
</head>
<body>
<header><nav><a class="brand" href="${page.base}/">Acme Status <span>demo</span></a></nav></header>
<main>
${page.body}
</main>
${page.script === undefined ? '' : html`<script nonce="${nonce}">${trusted(page.script)}</script>`}
</body>
</html>
`;
}
