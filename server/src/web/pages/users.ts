import { type MessageKey, t } from '../../i18n/index.js';
import { ROLES } from '../../store/repositories/users.js';
import { emptyRow, notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, str } from '../read.js';

const roleName = (r: string | undefined): string =>
  (ROLES as readonly string[]).includes(r ?? '') ? t(`role.${r}` as MessageKey) : (r ?? '?');

/** What every API form and button on this page says on success and failure (forms.js). */
const says = () => html` data-ok="${t('users.ok')}" data-fail="${t('users.fail')}"`;

const roleOptions = (current?: string): SafeHtml =>
  html`${ROLES.map(
    (r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${roleName(r)}</option>`,
  )}`;

function userRow(u: Json, meId: string): SafeHtml {
  const id = str(u, 'id') ?? '';
  const name = str(u, 'displayName') ?? '?';
  const disabled = u !== null && typeof u === 'object' && (u as Record<string, Json>)['disabled'] === true;
  const api = `/api/v1/users/${seg(id)}`;
  const col = (k: string) => t(`users.col.${k}` as MessageKey);
  const validUntil = num(u, 'validUntil');
  return html`<tr data-user="${str(u, 'username') ?? ''}">
<td>${name} ${id === meId ? html`<span class="muted">${t('users.you')}</span>` : ''}</td>
<td data-label="${col('username')}"><code>${str(u, 'username') ?? '?'}</code></td>
<td data-label="${col('role')}" data-user-role>${roleName(str(u, 'role'))}</td>
<td data-label="${col('validUntil')}">${validUntil === undefined ? t('users.noEnd') : timeTag(validUntil)}</td>
<td data-label="${col('status')}" data-user-status>${disabled ? t('users.disabled') : t('users.active')}</td>
<td data-label="${col('actions')}"><details><summary>${col('actions')}</summary>
<form class="inline-form" data-api="${api}" data-method="PATCH"${says()} data-keep>
  <label>${t('users.changeRole')} <select name="role">${roleOptions(str(u, 'role'))}</select></label>
  <button type="submit" class="btn btn-secondary">${t('users.save')}</button>
</form>
<form class="inline-form" data-api="${api}" data-method="PATCH"${says()}>
  <label>${t('users.resetPassword')} <input type="password" name="password" minlength="12" maxlength="256" autocomplete="new-password" required></label>
  <button type="submit" class="btn btn-secondary">${t('users.setPassword')}</button>
  <small class="muted">${t('users.passwordHint')}</small>
</form>
<p class="actions">${
    disabled
      ? html`<button type="button" class="btn btn-secondary" data-api="${api}" data-method="PATCH" data-body='{"disabled":false}'${says()}>${t('users.enable')}</button>`
      : html`<button type="button" class="btn btn-secondary" data-api="${api}" data-method="PATCH" data-body='{"disabled":true}' data-confirm="${t('users.confirmDisable', { name })}"${says()}>${t('users.disable')}</button>`
  } <button type="button" class="btn btn-danger" data-api="${api}" data-method="DELETE" data-confirm="${t('users.confirmDelete', { name })}"${says()}>${t('users.delete')}</button></p>
</details></td>
</tr>`;
}

function createForm(clients: Json[]): SafeHtml {
  return html`<details class="card" data-user-new><summary><strong>${t('users.create')}</strong></summary>
<form class="stack-form" data-api="/api/v1/users" data-method="POST"${says()} data-user-create>
  <label>${t('users.field.displayName')} <input name="displayName" required maxlength="200" autocomplete="off"></label>
  <label>${t('users.field.username')} <input name="username" required minlength="2" maxlength="64" pattern="[A-Za-z0-9._@\\-]+" autocomplete="off"></label>
  <label>${t('users.field.role')} <select name="role">${roleOptions('care_worker')}</select></label>
  <label>${t('users.field.password')} <input type="password" name="password" required minlength="12" maxlength="256" autocomplete="new-password"></label>
  <label>${t('users.field.clientId')} <select name="clientId"><option value="">${t('users.field.noClient')}</option>${clients.map(
    (c) => html`<option value="${str(c, 'id') ?? ''}">${str(c, 'name') ?? '?'}</option>`,
  )}</select></label>
  <label>${t('users.field.validUntil')} <input type="date" name="validUntil" data-type="date-ms"></label>
  <button type="submit" class="btn btn-primary">${t('users.add')}</button>
</form></details>`;
}

/** Users and roles for admins: list, add, change role, reset password, disable, delete. */
export async function usersPage(c: PageContext): Promise<PageResult> {
  const [users, clients] = await Promise.all([
    c.api.get('/api/v1/users'),
    c.api.get('/api/v1/clients', { limit: 200 }),
  ]);
  const rows = users.ok ? list(users.data) : [];
  const col = (k: string) => t(`users.col.${k}` as MessageKey);
  const body = html`<section aria-labelledby="users-h"><h2 id="users-h">${t('users.list')}</h2>
<p class="muted">${t('users.lastAdminNote')}</p>
${
  users.ok
    ? html`<div class="table-wrap"><table class="list" data-users><caption class="visually-hidden">${t('users.list')}</caption>
<thead><tr>${['name', 'username', 'role', 'validUntil', 'status', 'actions'].map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${rows.length === 0 ? emptyRow(6, t('users.none')) : rows.map((u) => userRow(u, c.principal.user.id))}</tbody></table></div>`
    : notAvailable(t('users.list'), users)
}</section>`;
  return {
    title: t('users.title'),
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>${createForm(
      clients.ok ? list(clients.data) : [],
    )}`,
    body,
    scripts: ['forms.js'],
  };
}
