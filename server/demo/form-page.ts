import type { DemoPage } from './demo-page.ts';
import { html } from './html.ts';

const PLANS = [
  { name: 'Free', note: 'Free: 3 monitors, checked every 5 minutes.' },
  { name: 'Team', note: 'Team: 20 monitors, checked every minute, shared with your whole team.' },
  { name: 'Enterprise', note: 'Enterprise: unlimited monitors, single sign-on and a support contract.' },
] as const;

const DOCS = [
  { title: 'Getting started with monitors', summary: 'Add your first HTTP check and choose how often it runs.' },
  { title: 'Webhooks', summary: 'Send incident updates to your own services as JSON.' },
  { title: 'Custom domains for status pages', summary: 'Serve your public status page from status.yourcompany.com.' },
  { title: 'API tokens', summary: 'Create tokens with read-only or full access for scripts and CI.' },
  { title: 'Incident templates', summary: 'Write updates once and reuse them when the same thing breaks again.' },
] as const;

/** How long "Check status" takes to answer, so that wait steps have something to wait for. */
const STATUS_DELAY_MS = 1000;

// Reads plan notes from the options' data attributes, so the text lives in one place.
const SCRIPT = `
const plan = document.getElementById('plan');
const planNote = document.getElementById('plan-note');
plan.addEventListener('change', () => { planNote.textContent = plan.selectedOptions[0].dataset.note; });
document.getElementById('check-status').addEventListener('click', (event) => {
  const button = event.currentTarget;
  const result = document.getElementById('status-result');
  button.disabled = true;
  result.textContent = 'Checking…';
  setTimeout(() => { result.textContent = 'All systems operational'; button.disabled = false; }, ${STATUS_DELAY_MS});
});
document.getElementById('subscribe').addEventListener('click', (event) => {
  event.currentTarget.disabled = true;
  document.getElementById('subscribe-result').textContent = 'Thanks for subscribing! The weekly status digest arrives on Mondays.';
});
`;

/** Controls for the step types the sign-in form does not use: select, placeholder-only input, waits. */
export function formPage({ base, query }: { base: string; query: string }): DemoPage {
  const needle = query.trim().toLowerCase();
  const results = DOCS.filter((doc) => `${doc.title} ${doc.summary}`.toLowerCase().includes(needle));
  return {
    base,
    title: 'Settings and search',
    script: SCRIPT,
    body: html`
<h1>Settings and search</h1>
<section class="card">
  <h2>Your plan</h2>
  <label for="plan">Plan</label>
  <select id="plan" name="plan">
    ${PLANS.map((plan) => html`<option value="${plan.name}" data-note="${plan.note}">${plan.name}</option>`)}
  </select>
  <p id="plan-note" class="notice" aria-live="polite">${PLANS[0].note}</p>
</section>
<section class="card">
  <h2>Documentation</h2>
  <form method="get" action="${base}/form" role="search">
    <input type="search" name="q" placeholder="Search docs" value="${query}">
  </form>
  ${needle === '' ? '' : html`
  <h3>Results for “${query}”</h3>
  ${results.length === 0
    ? html`<p class="muted">No pages match. Try “webhooks” or “tokens”.</p>`
    : html`<ul>${results.map((doc) => html`<li><strong>${doc.title}</strong>: ${doc.summary}</li>`)}</ul>`}`}
</section>
<section class="card">
  <h2>Service status</h2>
  <p class="muted">Asks every service for its health; the answer takes about a second.</p>
  <button type="button" id="check-status">Check status</button>
  <p id="status-result" class="notice" role="status"></p>
</section>
<section class="card">
  <h2>Status digest</h2>
  <p class="muted">A weekly email with uptime and incidents for your services.</p>
  <button type="button" id="subscribe">Subscribe</button>
  <p id="subscribe-result" class="notice" role="status"></p>
</section>`,
  };
}
