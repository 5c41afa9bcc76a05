import { type MessageKey, t, word } from '../../i18n/index.js';
import { emptyRow } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import { type Json, list, num, pick, str } from '../read.js';

/** What every form on the alarm-centre screen says on success and failure (forms.js). */
export const says = () => html` data-ok="${t('dc09.ok')}" data-fail="${t('dc09.fail')}"`;
/** Protocol names, the same in both languages but through the catalogue like every word shown. */
const formatName = (f: string) => word('dc09.format', f);
const transportName = (x: string) => word('dc09.transport', x);
export const col = (k: string) => t(`dc09.col.${k}` as MessageKey);
const HEX_KEY = '[0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64}';
const HEX6 = '[0-9A-Fa-f]{1,6}';
const ACCOUNT = '[0-9A-Za-z]{1,16}';

export const encryption = (a: Json) => {
  const bits = num(a, 'keyBits');
  return bits === undefined ? t('dc09.plain') : t('dc09.aes', { bits });
};
/** Account with its receiver and line prefixes as DC-09 writes them: `R12 L3 #1234`. */
export const accountText = (a: Json) =>
  [
    str(a, 'receiver') && `R${str(a, 'receiver')}`,
    str(a, 'line') && `L${str(a, 'line')}`,
    `#${str(a, 'account') ?? '?'}`,
  ]
    .filter(Boolean)
    .join(' ');

/** The key field: write-only, never filled in; on a change an empty one keeps the stored key. */
export const keyField = (label: MessageKey) =>
  html`<label>${t(label)} <input type="password" name="key" pattern="${HEX_KEY}" autocomplete="new-password" spellcheck="false"></label>
<small class="muted">${t('dc09.field.keyHint')}</small>`;

export const prefixFields = (a: Json | null) =>
  html`<label>${t('dc09.field.account')} <input name="account" required pattern="${ACCOUNT}" maxlength="16" value="${str(a, 'account') ?? ''}" autocomplete="off"></label>
<label>${t('dc09.field.receiver')} <input name="receiver" pattern="${HEX6}" maxlength="6" value="${str(a, 'receiver') ?? ''}" autocomplete="off"></label>
<label>${t('dc09.field.line')} <input name="line" pattern="${HEX6}" maxlength="6" value="${str(a, 'line') ?? ''}" autocomplete="off"></label>`;

function receiverItem(r: Json | null): SafeHtml {
  const tr = str(r, 'transport') ?? 'tcp';
  return html`<div class="window-row" data-item>
<label>${t('dc09.field.host')} <input name="host" required maxlength="253" value="${str(r, 'host') ?? ''}" autocomplete="off"></label>
<label>${t('dc09.field.port')} <input name="port" type="number" min="1" max="65535" required data-type="int" value="${str(r, 'port') ?? ''}"></label>
<label>${t('dc09.field.transport')} <select name="transport">${['tcp', 'udp'].map((x) => html`<option value="${x}"${x === tr ? html` selected` : ''}>${transportName(x)}</option>`)}</select></label>
<button type="button" class="btn btn-secondary" data-remove-item>${t('dc09.removeReceiver')}</button>
</div>`;
}

function outFields(a: Json | null): SafeHtml {
  const content = str(a, 'content') ?? 'ADM-CID';
  const receivers = list(a, 'receivers');
  return html`${prefixFields(a)}
${keyField(a ? 'dc09.field.keyKeep' : 'dc09.field.key')}
<label>${t('dc09.field.format')} <select name="content">${['ADM-CID', 'SIA-DCS'].map((x) => html`<option value="${x}"${x === content ? html` selected` : ''}>${formatName(x)}</option>`)}</select></label>
<label>${t('dc09.field.supervision')} <input name="supervisionS" type="number" min="0" max="86400" data-type="int" value="${str(a, 'supervisionS') ?? '0'}"></label>
<fieldset class="windows" data-list="receivers"><legend>${t('dc09.receivers')}</legend>
${receivers.length === 0 ? receiverItem(null) : receivers.map(receiverItem)}
<template>${receiverItem(null)}</template>
<button type="button" class="btn btn-secondary" data-add-item>${t('dc09.addReceiver')}</button>
</fieldset>`;
}

function linkText(a: Json): string {
  const up = pick(a, 'link.up');
  const state =
    up === true
      ? t('dc09.linkUp')
      : up === false
        ? t('dc09.linkDown', { reason: str(a, 'link.lastFailure') ?? '?' })
        : t('dc09.linkUnknown');
  const pending = num(a, 'pending') ?? 0;
  return pending > 0 ? `${state} · ${t('dc09.pending', { count: pending })}` : state;
}

/** The rest of the account as the PUT wants it, so one button can change only the key. */
const withoutKey = (a: Json) =>
  JSON.stringify({
    account: str(a, 'account'),
    receiver: str(a, 'receiver') ?? null,
    line: str(a, 'line') ?? null,
    content: str(a, 'content'),
    supervisionS: num(a, 'supervisionS'),
    receivers: list(a, 'receivers').map((r) => ({
      host: str(r, 'host'),
      port: num(r, 'port'),
      transport: str(r, 'transport'),
    })),
    key: null,
  });

function outRow(a: Json, homeName: (id: string) => string, admin: boolean): SafeHtml {
  const homeId = str(a, 'homeId') ?? '';
  const api = `/api/v1/homes/${seg(homeId)}/alarm-centre`;
  const acc = accountText(a);
  return html`<tr data-out-account="${str(a, 'account') ?? ''}">
<td data-label="${col('home')}"><a href="/app/homes/${seg(homeId)}">${homeName(homeId)}</a></td>
<td data-label="${col('account')}"><code>${acc}</code></td>
<td data-label="${col('encryption')}" data-encryption>${encryption(a)}</td>
<td data-label="${col('format')}">${formatName(str(a, 'content') ?? '')}</td>
<td data-label="${col('receivers')}"><ul class="plain">${list(a, 'receivers').map(
    (r, i) =>
      html`<li>${str(r, 'host') ?? '?'}:${str(r, 'port') ?? '?'} ${transportName(str(r, 'transport') ?? '')} (${i === 0 ? t('dc09.primary') : t('dc09.backup', { n: i })})</li>`,
  )}</ul></td>
<td data-label="${col('link')}">${linkText(a)}</td>
<td data-label="${col('actions')}"><details data-edit><summary>${t('dc09.edit')}</summary>
<form class="stack-form" data-api="${api}" data-method="PUT" data-keep${says()}>${outFields(a)}
<button type="submit" class="btn btn-primary">${t('dc09.save')}</button></form></details>
<p class="actions">${
    num(a, 'keyBits') !== undefined
      ? html`<button type="button" class="btn btn-secondary" data-api="${api}" data-method="PUT" data-body="${withoutKey(a)}" data-confirm="${t('dc09.confirmRemoveKey', { account: acc })}"${says()} data-remove-key>${t('dc09.removeKey')}</button> `
      : ''
  }${
    admin
      ? html`<button type="button" class="btn btn-danger" data-api="${api}" data-method="DELETE" data-confirm="${t('dc09.confirmStop', { home: homeName(homeId) })}"${says()} data-stop>${t('dc09.stop')}</button>`
      : ''
  }</p></td></tr>`;
}

/** Homes' accounts at the alarm centre: list, change (the key only when a new one is typed), stop; connect a home. */
export function outSection(
  accounts: Json[],
  homes: Array<readonly [id: string, name: string]>,
  admin: boolean,
): SafeHtml {
  const names = new Map(homes);
  const homeName = (id: string) => names.get(id) ?? id;
  const taken = new Set(accounts.map((a) => str(a, 'homeId')));
  const free = homes.filter(([id]) => !taken.has(id));
  const cols = ['home', 'account', 'encryption', 'format', 'receivers', 'link', 'actions'];
  return html`<section aria-labelledby="out-h" data-section="out"><h2 id="out-h">${t('dc09.out')}</h2>
<div class="table-wrap"><table class="list" data-out><caption class="visually-hidden">${t('dc09.out')}</caption>
<thead><tr>${cols.map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${accounts.length === 0 ? emptyRow(cols.length, t('dc09.noOut')) : accounts.map((a) => outRow(a, homeName, admin))}</tbody></table></div>
${
  free.length === 0
    ? ''
    : html`<details class="card" data-out-new><summary><strong>${t('dc09.outNew')}</strong></summary>
<form class="stack-form" data-api="/api/v1/homes/{homeId}/alarm-centre" data-method="PUT"${says()}>
<label>${t('dc09.field.home')} <select name="homeId" required>${free.map(([id, name]) => html`<option value="${id}">${name}</option>`)}</select></label>
${outFields(null)}
<button type="submit" class="btn btn-primary">${t('dc09.connect')}</button></form></details>`
}</section>`;
}
