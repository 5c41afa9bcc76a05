import { type MessageKey, t } from '../../i18n/index.js';
import { emptyRow, notAvailable } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

const says = () => html` data-ok="${t('keysafes.ok')}" data-fail="${t('keysafes.fail')}"`;
const COLS = ['serial', 'home', 'key', 'link', 'state', 'actions'] as const;
const col = (k: (typeof COLS)[number]) => t(`keysafes.col.${k}` as MessageKey);
/** 32 hex digits, with the dashes and spaces of the printed label [KS-SERIAL §8.8]. */
const CODE_PATTERN = '[0-9A-Fa-f \\-]{32,64}';

function stateText(k: Json): string {
  const parts: string[] = [];
  if (pick(k, 'blocked') === true) parts.push(t('keysafes.blocked'));
  if (pick(k, 'clockDrifting') === true) parts.push(t('keysafes.drifting'));
  const waiting = num(k, 'notYetReceived') ?? 0;
  if (waiting > 0) parts.push(t('keysafes.waiting', { count: waiting }));
  return parts.length === 0 ? t('keysafes.fine') : parts.join('; ');
}

function row(k: Json, homeName: (id: string) => string | undefined): SafeHtml {
  const id = str(k, 'deviceId') ?? '';
  const serial = str(k, 'serial') ?? id;
  const homeId = str(k, 'homeId');
  const home = homeId ? homeName(homeId) : undefined;
  const hasKey = pick(k, 'hasKey') === true;
  const api = `/api/v1/access/keysafes/${seg(id)}`;
  return html`<tr data-keysafe="${serial}">
<td data-label="${col('serial')}"><a href="/app/devices/${seg(id)}"><code>${serial}</code></a></td>
<td data-label="${col('home')}">${homeId ? html`<a href="/app/homes/${seg(homeId)}">${home ?? homeId}</a>` : html`<span class="muted">${t('keysafes.noHome')}</span>`}</td>
<td data-label="${col('key')}" data-key-state>${hasKey ? t('keysafes.hasKey') : html`<strong>${t('keysafes.noKey')}</strong>`}${
    hasKey && pick(k, 'offlineKeyDelivered') !== true
      ? html`<br><span class="muted">${t('keysafes.offlineKeyWaiting')}</span>`
      : ''
  }</td>
<td data-label="${col('link')}">${pick(k, 'online') === true ? t('keysafes.online') : t('keysafes.offline')}</td>
<td data-label="${col('state')}">${stateText(k)}</td>
<td data-label="${col('actions')}"><details data-install${hasKey ? '' : html` open`}><summary>${t('keysafes.install')}</summary>
<p class="muted">${t('keysafes.installSteps')}</p>
<form class="stack-form" data-api="${api}/key-install" data-method="POST"${says()} data-err-conflict="${t('keysafes.refused')}"${hasKey ? html` data-confirm="${t('keysafes.confirmReplace', { serial })}"` : ''}>
  <label>${t('keysafes.field.code')} <input name="installationCode" required pattern="${CODE_PATTERN}" maxlength="64" autocomplete="off" spellcheck="false" inputmode="text"></label>
  <button type="submit" class="btn btn-primary">${t('keysafes.send')}</button>
</form></details>
${
  hasKey
    ? html`<button type="button" class="btn btn-secondary" data-api="${api}/trial-code" data-method="POST" data-ok="${t('keysafes.trialOk')}" data-fail="${t('keysafes.fail')}" data-reveal="code" data-reveal-into="#trial-code" data-trial>${t('keysafes.trial')}</button>`
    : ''
}</td></tr>`;
}

/**
 * Key safes for admins and technicians (access/README.md §Keys): which have their key, and the
 * installation step that gives a newly paired one its key (KS-SERIAL §8.8), then a trial code.
 * Neither the key nor the installation code is ever shown or stored; the trial code is shown once.
 */
export async function keysafesPage(c: PageContext): Promise<PageResult> {
  const [safes, homes] = await Promise.all([
    c.api.get('/api/v1/access/keysafes'),
    c.api.get('/api/v1/homes', { limit: 500 }),
  ]);
  const names = new Map(
    (homes.ok ? list(homes.data) : []).map((h) => [
      str(h, 'id') ?? '',
      [str(h, 'address'), str(h, 'city')].filter(Boolean).join(', '),
    ]),
  );
  const items = safes.ok ? list(safes.data) : [];
  const body = safes.ok
    ? html`<div class="table-wrap"><table class="list" data-keysafes><caption class="visually-hidden">${t('keysafes.title')}</caption>
<thead><tr>${COLS.map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${items.length === 0 ? emptyRow(COLS.length, t('keysafes.none')) : items.map((k) => row(k, (id) => names.get(id)))}</tbody></table></div>`
    : notAvailable(t('keysafes.title'), safes);
  return {
    title: t('keysafes.title'),
    controls: html`<p class="muted">${t('keysafes.intro')}</p>
<p id="action-status" class="notice" role="status" hidden></p>
<div class="notice notice-ok" hidden data-trial-shown><p>${t('keysafes.trialShown')}</p><p class="key-code-digits"><code id="trial-code"></code></p></div>`,
    body,
    scripts: ['forms.js'],
  };
}
