import { html } from '../html.js';
import type { PageResult } from '../layout.js';

/** The login form; `login.js` posts it to `/api/v1/auth/login`, which sets the session cookie. */
export function loginPage(): PageResult {
  return {
    title: 'Log in',
    scripts: ['login.js'],
    body: html`<form id="login-form" class="card narrow" method="post" action="/api/v1/auth/login" novalidate>
  <p class="muted">Baken monitoring dashboard. Use the account your organisation gave you.</p>
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" required maxlength="128" autocapitalize="none" spellcheck="false">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
  <p id="login-error" class="notice notice-error" role="alert" hidden></p>
  <button type="submit" class="btn btn-primary btn-block">Log in</button>
  <noscript><p class="notice notice-error">The dashboard needs JavaScript for login and live updates.</p></noscript>
</form>`,
  };
}
