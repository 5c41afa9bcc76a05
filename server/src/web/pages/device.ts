import { t, word } from '../../i18n/index.js';
import type { ApiResult } from '../api-client.js';
import { notAvailable, stateBadge } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

function liveFacts(live: Json, health: ApiResult | undefined): SafeHtml {
  if (health && !health.ok)
    return html`<dt>${t('device.state')}</dt><dd>${notAvailable(t('device.liveState'), health)}</dd>`;
  const battery = num(live, 'battery');
  return html`<dt>${t('device.state')}</dt><dd>${stateBadge(pick(live, 'state'))}${live === undefined ? html` <span class="muted">${t('device.notReportedByGateway')}</span>` : ''}</dd>
  <dt>${t('device.lastSeen')}</dt><dd>${timeTag(toMs(pick(live, 'lastSeenAt', 'lastSeen')))}</dd>
  <dt>${t('device.link')}</dt><dd>${str(live, 'link') ?? '—'}${num(live, 'rssi') !== undefined ? ` (RSSI ${num(live, 'rssi')} dBm)` : ''}</dd>
  <dt>${t('device.battery')}</dt><dd>${battery !== undefined ? `${battery} %` : '—'}</dd>`;
}

function warningList(warnings: Json[]): SafeHtml {
  return warnings.length > 0
    ? html`<ul class="warnings">${warnings.map((w) => html`<li><span aria-hidden="true">⚠ </span>${th('device.since', { what: word('warning', str(w, 'kind'), 'warning.other'), when: timeTag(toMs(pick(w, 'firstSeenAt', 'since'))) })}</li>`)}</ul>`
    : html`<p class="muted">${t('device.noneOpen')}</p>`;
}

/** Whether the pendant's adverts are authenticated [PENDANT SPEC §5.1], as its pairing says. */
function authenticationFact(p: ApiResult): SafeHtml {
  if (!p.ok)
    return p.status === 404
      ? html`<span class="muted">${t('device.notPaired')}</span>`
      : notAvailable(t('device.pairing'), p);
  const mode = str(p.data, 'mode');
  if (pick(p.data, 'authenticated') === true)
    return html`<span class="badge state-online">${t('device.authenticated')}</span> (${t(mode === 'baken' ? 'device.authBaken' : 'device.authBthome')})`;
  return html`<span class="badge state-offline">${t('device.notAuthenticated')}</span> ${t('device.notAuthenticatedText')}<br><span class="muted">${str(p.data, 'advice') ?? ''}</span>`;
}

/**
 * A device: its registry record and lifecycle history (by registry id), and its live health as its
 * home's gateway reports it. A device only the gateway knows (`?home=` given) shows health alone.
 */
export async function devicePage(c: PageContext): Promise<PageResult> {
  const id = c.params['id'] ?? '';
  const r = await c.api.get(`/api/v1/devices/${seg(id)}`);
  const homeParam = c.query['home'];
  if (!r.ok && !(r.status === 404 && homeParam))
    return { title: t('device.notFound'), status: r.status, body: notAvailable(t('device.this'), r) };
  const d = r.ok ? (pick(r.data, 'device') ?? r.data) : undefined;
  const homeId = str(d, 'homeId') ?? homeParam;
  const deviceId = str(d, 'serial') ?? id;
  const health = homeId ? await c.api.get(`/api/v1/homes/${seg(homeId)}/health`) : undefined;
  const live = health?.ok
    ? list(health.data, 'devices').find((x) => str(x, 'deviceId', 'id') === deviceId)
    : undefined;
  if (!d && !live)
    return { title: t('device.notFound'), status: 404, body: html`<p>${t('device.noSuch')}</p>` };
  const warnings = health?.ok
    ? list(health.data, 'warnings').filter(
        (w) => str(w, 'deviceId') === deviceId && pick(w, 'closedAt') === undefined,
      )
    : [];
  const events = health?.ok
    ? list(health.data, 'timeline').filter((t) => str(t, 'deviceId') === deviceId)
    : [];
  const history = r.ok ? list(r.data, 'history') : [];
  const pairing =
    d && str(d, 'type') === 'pendant'
      ? await c.api.get(`/api/v1/devices/${seg(str(d, 'id') ?? id)}/pairing`)
      : undefined;
  return {
    title: t('device.title', {
      kind: word('device', str(d, 'type') ?? str(live, 'kind'), 'device.other'),
      serial: deviceId,
    }),
    body: html`<dl class="facts">
  ${liveFacts(live, health)}
  <dt>${t('device.home')}</dt><dd>${homeId ? html`<a href="/app/homes/${seg(homeId)}">${t('device.openHome')}</a>` : t('device.notInstalled')}</dd>
  <dt>${t('device.model')}</dt><dd>${str(d, 'model') ?? '—'}</dd>
  <dt>${t('device.firmware')}</dt><dd>${str(d, 'firmware') ?? str(live, 'firmware') ?? '—'}</dd>
  <dt>${t('device.lifecycle')}</dt><dd>${d ? (str(d, 'status') ? word('lifecycle', str(d, 'status')) : '—') : html`<span class="muted">${t('device.notInRegistry')}</span>`}</dd>
  <dt>${t('device.installed')}</dt><dd>${str(d, 'installDate') ?? '—'}</dd>
  ${pairing ? html`<dt>${t('device.authentication')}</dt><dd>${authenticationFact(pairing)}</dd>` : ''}
</dl>
<section aria-labelledby="h-warn"><h2 id="h-warn">${t('device.warnings')}</h2>${warningList(warnings)}</section>
<section aria-labelledby="h-ev"><h2 id="h-ev">${t('device.recentEvents')}</h2>
  ${events.length > 0 ? html`<ol class="timeline">${events.map((e) => html`<li>${timeTag(toMs(pick(e, 'at')))} — ${pick(e, 'trial') === true ? html`${t('device.trial', { what: word('event', str(e, 'kind'), 'event.other') })} <span class="badge">${t('device.trialBadge')}</span>` : word('event', str(e, 'kind'), 'event.other')}</li>`)}</ol>` : html`<p class="muted">${t('device.noEvents')}</p>`}
</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">${t('device.lifecycleHistory')}</h2>
  ${history.length > 0 ? html`<ol class="timeline">${history.map((h) => html`<li>${timeTag(toMs(pick(h, 'at')))} — ${word('lifecycle', str(h, 'fromStatus') ?? 'new')} → ${word('lifecycle', str(h, 'toStatus') ?? '?')}${str(h, 'note') ? html` (${str(h, 'note')})` : ''}</li>`)}</ol>` : html`<p class="muted">${t('device.noLifecycle')}</p>`}
</section>`,
  };
}
