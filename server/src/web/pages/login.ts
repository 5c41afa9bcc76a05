import { t } from '../../i18n/index.js';
import { html } from '../html.js';
import type { PageResult } from '../layout.js';

/** The login form; `login.js` posts it to `/api/v1/auth/login`, which sets the session cookie. */
export function loginPage(): PageResult {
  return {
    title: t('login.title'),
    scripts: ['login.js'],
    body: html`<form id="login-form" class="card narrow" method="post" action="/api/v1/auth/login" novalidate>
  <p class="muted">${t('login.intro')}</p>
  <label for="username">${t('login.username')}</label>
  <input id="username" name="username" autocomplete="username" required maxlength="128" autocapitalize="none" spellcheck="false">
  <label for="password">${t('login.password')}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
  <p id="login-error" class="notice notice-error" role="alert" hidden></p>
  <button type="submit" class="btn btn-primary btn-block">${t('login.submit')}</button>
  <noscript><p class="notice notice-error">${t('login.noscript')}</p></noscript>
</form>`,
  };
}
