import { html } from '../html.js';
import type { PageResult } from '../layout.js';

/**
 * Where an informal carer's invitation link lands (public). The token travels after `#`, so it
 * never reaches the server in a URL; the page script sends it once, in the body, with the
 * username and password the carer chooses, then logs them in.
 */
export function carerInvitePage(): PageResult {
  return {
    title: 'Join as a carer',
    scripts: ['carer-invite.js'],
    body: html`<form id="carer-invite" class="card narrow">
  <p>Someone you care for has asked you to be one of their carers. When they raise an alarm, Baken will ask you whether you can go.</p>
  <label for="invite-username">Choose a username</label>
  <input id="invite-username" name="username" autocomplete="username" required minlength="2" maxlength="64" pattern="[A-Za-z0-9._@\\-]+">
  <label for="invite-password">Choose a password (at least 12 characters)</label>
  <input id="invite-password" name="password" type="password" autocomplete="new-password" required minlength="12">
  <button type="submit" class="btn btn-primary btn-block">Accept the invitation</button>
  <p id="invite-result" role="status" aria-live="polite"></p>
</form>`,
  };
}
