import { t } from '../../i18n/index.js';
import { emptyRow } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import { type Json, num, str } from '../read.js';
import { accountText, col, encryption, keyField, prefixFields, says } from './alarm-centre-out.js';

const secondsField = (name: string, label: Parameters<typeof t>[0], value: string, min: number) =>
  html`<label>${t(label)} <input name="${name}" type="number" min="${min}" max="86400" data-type="int" value="${value}"></label>`;

function unitFields(u: Json | null): SafeHtml {
  return html`${secondsField('windowPastS', 'dc09.field.windowPast', str(u, 'windowPastS') ?? '40', 1)}
${secondsField('windowFutureS', 'dc09.field.windowFuture', str(u, 'windowFutureS') ?? '20', 1)}
${secondsField('supervisionS', 'dc09.field.unitSupervision', str(u, 'supervisionS') ?? '3600', 10)}`;
}

function unitRow(u: Json, homeName: (id: string) => string, admin: boolean): SafeHtml {
  const id = str(u, 'id') ?? '';
  const api = `/api/v1/alarm-centre/units/${seg(id)}`;
  const homeId = str(u, 'homeId') ?? '';
  const acc = accountText(u);
  return html`<tr data-unit="${str(u, 'account') ?? ''}">
<td data-label="${col('account')}"><code>${acc}</code></td>
<td data-label="${col('home')}"><a href="/app/homes/${seg(homeId)}">${homeName(homeId)}</a></td>
<td data-label="${col('unit')}"><code>${str(u, 'gatewayId') ?? ''}</code></td>
<td data-label="${col('encryption')}" data-encryption>${encryption(u)}</td>
<td data-label="${col('window')}">${t('dc09.windowText', { past: num(u, 'windowPastS') ?? 0, future: num(u, 'windowFutureS') ?? 0 })}</td>
<td data-label="${col('supervision')}">${t('dc09.everySeconds', { s: num(u, 'supervisionS') ?? 0 })}</td>
<td data-label="${col('actions')}"><details data-edit><summary>${t('dc09.edit')}</summary>
<form class="stack-form" data-api="${api}" data-method="PATCH" data-keep${says()}>
${keyField('dc09.field.keyKeep')}
${unitFields(u)}
<button type="submit" class="btn btn-primary">${t('dc09.save')}</button></form></details>
<p class="actions">${
    num(u, 'keyBits') !== undefined
      ? html`<button type="button" class="btn btn-secondary" data-api="${api}" data-method="PATCH" data-body='{"key":null}' data-confirm="${t('dc09.confirmRemoveKey', { account: acc })}"${says()} data-remove-key>${t('dc09.removeKey')}</button> `
      : ''
  }${
    admin
      ? html`<button type="button" class="btn btn-danger" data-api="${api}" data-method="DELETE" data-confirm="${t('dc09.confirmRemoveUnit', { account: acc })}"${says()} data-remove-unit>${t('dc09.removeUnit')}</button>`
      : ''
  }</p></td></tr>`;
}

/** Third-party units reporting to Baken's receiver: list, change key/window/interval, remove; register one. */
export function inSection(
  units: Json[],
  homes: Array<readonly [id: string, name: string]>,
  admin: boolean,
): SafeHtml {
  const names = new Map(homes);
  const homeName = (id: string) => names.get(id) ?? id;
  const cols = ['account', 'home', 'unit', 'encryption', 'window', 'supervision', 'actions'];
  return html`<section aria-labelledby="in-h" data-section="in"><h2 id="in-h">${t('dc09.in')}</h2>
<div class="table-wrap"><table class="list" data-in><caption class="visually-hidden">${t('dc09.in')}</caption>
<thead><tr>${cols.map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${units.length === 0 ? emptyRow(cols.length, t('dc09.noIn')) : units.map((u) => unitRow(u, homeName, admin))}</tbody></table></div>
${
  homes.length === 0
    ? ''
    : html`<details class="card" data-in-new><summary><strong>${t('dc09.inNew')}</strong></summary>
<form class="stack-form" data-api="/api/v1/alarm-centre/units" data-method="POST"${says()} data-err-conflict="${t('dc09.accountTaken')}">
<label>${t('dc09.field.home')} <select name="homeId" required>${homes.map(([id, name]) => html`<option value="${id}">${name}</option>`)}</select></label>
${prefixFields(null)}
${keyField('dc09.field.key')}
${unitFields(null)}
<label>${t('dc09.field.gatewayId')} <input name="gatewayId" pattern="[a-z0-9][a-z0-9\\-]{2,39}" maxlength="40" autocomplete="off"></label>
<button type="submit" class="btn btn-primary">${t('dc09.register')}</button></form></details>`
}</section>`;
}
