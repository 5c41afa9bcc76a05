import { t } from '../../i18n/index.js';
import { html } from '../html.js';
import type { PageResult } from '../layout.js';

/**
 * Where an informal carer's invitation link lands (public). The token travels after `#`, so it
 * never reaches the server in a URL; the page script sends it once, in the body, with the
 * username and password the carer chooses, then logs them in.
 */
export function carerInvitePage(): PageResult {
  return {
    title: t('invite.title'),
    scripts: ['carer-invite.js'],
    body: html`<form id="carer-invite" class="card narrow" data-msg-no-token="${t('invite.js.noToken')}">
  <p>${t('invite.intro')}</p>
  <label for="invite-username">${t('invite.username')}</label>
  <input id="invite-username" name="username" autocomplete="username" required minlength="2" maxlength="64" pattern="[A-Za-z0-9._@\\-]+">
  <label for="invite-password">${t('invite.password')}</label>
  <input id="invite-password" name="password" type="password" autocomplete="new-password" required minlength="12">
  <button type="submit" class="btn btn-primary btn-block">${t('invite.accept')}</button>
  <p id="invite-result" role="status" aria-live="polite"></p>
</form>`,
  };
}
