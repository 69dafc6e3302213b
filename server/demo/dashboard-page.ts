import type { DemoPage } from './demo-page.ts';
import { errorsChart } from './errors-chart.ts';
import { html } from './html.ts';

const SERVICES = [
  { name: 'API', status: 'Operational', uptime: '99.98%', latency: '182 ms' },
  { name: 'Web app', status: 'Operational', uptime: '99.95%', latency: '240 ms' },
  { name: 'Webhooks', status: 'Degraded', uptime: '99.41%', latency: '1.2 s' },
  { name: 'Email alerts', status: 'Operational', uptime: '100.00%', latency: '95 ms' },
] as const;

export function dashboardPage({ base, email }: { base: string; email: string }): DemoPage {
  return {
    base,
    title: 'Dashboard',
    body: html`
<h1>Dashboard</h1>
<p class="muted">Signed in as ${email}. <a href="${base}/logout">Sign out</a></p>
<section class="card">
  <h2>Errors in the last 24 hours</h2>
  ${errorsChart()}
</section>
<section class="card">
  <h2>Services</h2>
  <table>
    <thead><tr><th>Service</th><th>Status</th><th>Uptime (30 days)</th><th>p95 latency</th></tr></thead>
    <tbody>
      ${SERVICES.map(
        (service) => html`<tr><td>${service.name}</td><td${service.status === 'Degraded' ? html` class="degraded"` : ''}>${service.status}</td><td>${service.uptime}</td><td>${service.latency}</td></tr>`,
      )}
    </tbody>
  </table>
</section>`,
  };
}
