import { type MessageKey, t } from '../../i18n/index.js';
import { emptyRow, notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, str } from '../read.js';

const says = () => html` data-ok="${t('tokens.ok')}" data-fail="${t('tokens.fail')}"`;
const COLS = ['name', 'created', 'lastUsed', 'expires', 'state', 'actions'] as const;
const col = (k: (typeof COLS)[number]) => t(`tokens.col.${k}` as MessageKey);
const VALIDITY_DAYS = [1, 30, 90, 365] as const;

function row(x: Json, now: number): SafeHtml {
  const id = str(x, 'id') ?? '';
  const name = str(x, 'name') ?? '?';
  const revoked = num(x, 'revokedAt');
  const expires = num(x, 'expiresAt');
  const used = num(x, 'lastUsedAt');
  const live = revoked === undefined && (expires === undefined || expires > now);
  const state =
    revoked !== undefined
      ? th('tokens.state.revoked', { when: timeTag(revoked) })
      : live
        ? t('tokens.state.active')
        : t('tokens.state.expired');
  return html`<tr data-token="${id}"${live ? '' : html` class="muted"`}>
<td data-label="${col('name')}" data-token-name>${name}</td>
<td data-label="${col('created')}">${timeTag(num(x, 'createdAt'))}</td>
<td data-label="${col('lastUsed')}">${used === undefined ? t('tokens.neverUsed') : timeTag(used)}</td>
<td data-label="${col('expires')}">${expires === undefined ? t('tokens.noExpiry') : timeTag(expires)}</td>
<td data-label="${col('state')}" data-token-state>${state}</td>
<td data-label="${col('actions')}">${
    live
      ? html`<button type="button" class="btn btn-danger" data-api="/api/v1/auth/tokens/${seg(id)}" data-method="DELETE" data-confirm="${t('tokens.confirmRevoke', { name })}"${says()}>${t('tokens.revoke')}</button>`
      : ''
  }</td></tr>`;
}

function createForm(): SafeHtml {
  return html`<details class="card" data-token-new><summary><strong>${t('tokens.create')}</strong></summary>
<form class="stack-form" data-api="/api/v1/auth/tokens" data-method="POST"${says()} data-reveal="token" data-reveal-into="#new-token">
  <label>${t('tokens.field.name')} <input name="name" required maxlength="100" autocomplete="off"></label>
  <label>${t('tokens.field.expires')} <select name="expiresInS" data-type="int">
    <option value="">${t('tokens.expires.never')}</option>
    ${VALIDITY_DAYS.map((d) => html`<option value="${d * 86_400}"${d === 90 ? html` selected` : ''}>${t('tokens.expires.days', { days: d })}</option>`)}
  </select></label>
  <button type="submit" class="btn btn-primary">${t('tokens.createButton')}</button>
</form></details>`;
}

/**
 * One's own API tokens (server/src/modules/users/auth-routes.ts): name, created, last use, expiry;
 * revoke; create one — its secret is shown once, in the page's controls, and never again.
 */
export async function tokensPage(c: PageContext): Promise<PageResult> {
  const r = await c.api.get('/api/v1/auth/tokens');
  const items = r.ok ? list(r.data).toReversed() : [];
  const body = html`<section aria-labelledby="tokens-h"><h2 id="tokens-h">${t('tokens.list')}</h2>
${
  r.ok
    ? html`<div class="table-wrap"><table class="list" data-tokens><caption class="visually-hidden">${t('tokens.list')}</caption>
<thead><tr>${COLS.map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${items.length === 0 ? emptyRow(COLS.length, t('tokens.none')) : items.map((x) => row(x, c.now))}</tbody></table></div>`
    : notAvailable(t('tokens.list'), r)
}
${createForm()}</section>`;
  return {
    title: t('tokens.title'),
    controls: html`<p class="muted">${t('tokens.intro')}</p>
<p id="action-status" class="notice" role="status" hidden></p>
<div class="notice notice-ok" data-new-token hidden><p>${t('tokens.shownOnce')}</p><pre class="command"><code id="new-token"></code></pre></div>`,
    body,
    scripts: ['forms.js'],
  };
}
