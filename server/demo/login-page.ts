import type { DemoPage } from './demo-page.ts';
import { html } from './html.ts';

export interface LoginPageOptions {
  base: string;
  /** The email typed last time, kept so a failed attempt only needs the password again. */
  email?: string;
  failed?: boolean;
}

/** The sign-in form. The password is never echoed back, even after a failed attempt. */
export function loginPage({ base, email = '', failed = false }: LoginPageOptions): DemoPage {
  return {
    base,
    title: 'Sign in',
    status: failed ? 401 : 200,
    body: html`
<h1>Sign in to Acme Status</h1>
<p class="muted">Demo account: alice@example.com, password secret.</p>
<div class="card">
  ${failed ? html`<p class="error" role="alert">Wrong email or password.</p>` : ''}
  <form method="post" action="${base}/login">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${email}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
</div>`,
  };
}
