import { t } from '../../i18n/index.js';
import type { ApiResult } from '../api-client.js';
import { notAvailable } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, pick, str } from '../read.js';

function alarmItem(a: Json, address: string | undefined): SafeHtml {
  const homeId = str(a, 'homeId') ?? '';
  const kind = t(str(a, 'kind') === 'fall' ? 'alarms.kind.fall' : 'alarms.kind.alarm');
  return html`<li class="alarm alarm-${str(a, 'state') ?? 'new'}" data-alarm-id="${str(a, 'id') ?? ''}">
    <header><strong>${kind}</strong> <span class="muted">${th('keycode.since', { when: timeTag(toMs(pick(a, 'raisedAt', 'createdAt', 'at'))) })}</span></header>
    <p>${address ?? homeId}</p>
    <button type="button" class="btn btn-primary btn-block" data-request-code data-home-id="${homeId}" data-alarm-id="${str(a, 'id') ?? ''}" data-situation="alarm">${t('keycode.forAlarm')}</button>
  </li>`;
}

function alarmsBlock(r: ApiResult, addresses: Map<string, string>): SafeHtml {
  if (!r.ok) return notAvailable(t('keycode.yourAlarms'), r);
  const open = list(r.data);
  return open.length > 0
    ? html`<ul class="alarm-list plain">${open.map((a) => alarmItem(a, addresses.get(str(a, 'homeId') ?? '')))}</ul>`
    : html`<p class="muted">${t('keycode.noAlarm')}</p>`;
}

/**
 * The care worker's phone page: a code for an alarm assigned to them, or for planned
 * care at a home their team serves. The server decides (the matrix); the page shows the one-time
 * code with its window, or the refusal in plain words. The code lives only in this page's memory.
 */
export async function keyCodePage(c: PageContext): Promise<PageResult> {
  const me = c.principal.user;
  const [alarms, mine] = await Promise.all([
    c.api.get('/api/v1/alarms', { open: 'true', limit: 20 }),
    c.api.get(`/api/v1/access/people/${seg(me.id)}/homes`),
  ]);
  const homes = mine.ok ? list(mine.data, 'homes') : [];
  const addresses = new Map(homes.map((h) => [str(h, 'homeId') ?? '', str(h, 'address') ?? ''] as const));
  const openAlarms = alarms.ok ? list(alarms.data) : [];
  const missing = openAlarms.map((a) => str(a, 'homeId')).filter((id) => id && !addresses.has(id));
  for (const [id, l] of await homeLabels(c.api, missing)) addresses.set(id, l.address);
  const canRequest = mine.ok && pick(mine.data, 'person.active') !== false;

  const controls = html`<div class="narrow key-code">
  <div id="code-result" role="status" aria-live="polite" hidden></div>
  ${mine.ok && !canRequest ? html`<p class="notice notice-warn" role="note">${t('keycode.cannot')}</p>` : ''}
  <form id="planned" class="card">
    <h2>${t('keycode.planned')}</h2>
    ${
      homes.length > 0
        ? html`<label for="planned-home">${t('keycode.home')}</label>
    <select id="planned-home" name="homeId" required>${homes.map((h) => html`<option value="${str(h, 'homeId') ?? ''}">${str(h, 'address') ?? ''}</option>`)}</select>
    <button type="submit" class="btn btn-primary btn-block">${t('keycode.forPlanned')}</button>`
        : mine.ok
          ? html`<p class="muted">${t('keycode.noHomes')}</p>`
          : notAvailable(t('keycode.yourHomes'), mine)
    }
  </form>
</div>`;

  return {
    title: t('keycode.title'),
    scripts: ['key-code.js'],
    controls,
    body: html`<section aria-labelledby="h-my-alarms" class="narrow" data-open-alarms="${openAlarms.length}"><h2 id="h-my-alarms">${t('keycode.openAlarms')}</h2>
  ${alarmsBlock(alarms, addresses)}
</section>`,
  };
}
