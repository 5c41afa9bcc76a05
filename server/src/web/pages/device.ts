import type { ApiResult } from '../api-client.js';
import { notAvailable, stateBadge } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

function liveFacts(live: Json, health: ApiResult | undefined): SafeHtml {
  if (health && !health.ok) return html`<dt>State</dt><dd>${notAvailable('live state', health)}</dd>`;
  const battery = num(live, 'battery');
  return html`<dt>State</dt><dd>${stateBadge(pick(live, 'state'))}${live === undefined ? html` <span class="muted">not reported by the gateway</span>` : ''}</dd>
  <dt>Last seen</dt><dd>${timeTag(toMs(pick(live, 'lastSeenAt', 'lastSeen')))}</dd>
  <dt>Link</dt><dd>${str(live, 'link') ?? '—'}${num(live, 'rssi') !== undefined ? ` (RSSI ${num(live, 'rssi')} dBm)` : ''}</dd>
  <dt>Battery</dt><dd>${battery !== undefined ? `${battery} %` : '—'}</dd>`;
}

function warningList(warnings: Json[]): SafeHtml {
  return warnings.length > 0
    ? html`<ul class="warnings">${warnings.map((w) => html`<li><span aria-hidden="true">⚠ </span>${(str(w, 'kind') ?? 'warning').replace(/_/g, ' ')} since ${timeTag(toMs(pick(w, 'firstSeenAt', 'since')))}</li>`)}</ul>`
    : html`<p class="muted">None open.</p>`;
}

/** Whether the pendant's adverts are authenticated [PENDANT SPEC §5.1], as its pairing says. */
function authenticationFact(p: ApiResult): SafeHtml {
  if (!p.ok)
    return p.status === 404 ? html`<span class="muted">not paired</span>` : notAvailable('pairing', p);
  const mode = str(p.data, 'mode');
  if (pick(p.data, 'authenticated') === true)
    return html`<span class="badge state-online">authenticated</span> (${mode === 'baken' ? 'Baken pendant, signed adverts' : 'encrypted BTHome'})`;
  return html`<span class="badge state-offline">not authenticated</span> (plaintext BTHome: its alarms and cancels can be forged; cancels are unverified)<br><span class="muted">${str(p.data, 'advice') ?? ''}</span>`;
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
    return { title: 'Device not found', status: r.status, body: notAvailable('this device', r) };
  const d = r.ok ? (pick(r.data, 'device') ?? r.data) : undefined;
  const homeId = str(d, 'homeId') ?? homeParam;
  const deviceId = str(d, 'serial') ?? id;
  const health = homeId ? await c.api.get(`/api/v1/homes/${seg(homeId)}/health`) : undefined;
  const live = health?.ok
    ? list(health.data, 'devices').find((x) => str(x, 'deviceId', 'id') === deviceId)
    : undefined;
  if (!d && !live)
    return { title: 'Device not found', status: 404, body: html`<p>No such device at this home.</p>` };
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
    title: `${str(d, 'type') ?? str(live, 'kind') ?? 'Device'} ${deviceId}`,
    body: html`<dl class="facts">
  ${liveFacts(live, health)}
  <dt>Home</dt><dd>${homeId ? html`<a href="/app/homes/${seg(homeId)}">Open home</a>` : 'Not installed'}</dd>
  <dt>Model</dt><dd>${str(d, 'model') ?? '—'}</dd>
  <dt>Firmware</dt><dd>${str(d, 'firmware') ?? str(live, 'firmware') ?? '—'}</dd>
  <dt>Lifecycle</dt><dd>${d ? (str(d, 'status') ?? '—') : html`<span class="muted">not in the device registry</span>`}</dd>
  <dt>Installed</dt><dd>${str(d, 'installDate') ?? '—'}</dd>
  ${pairing ? html`<dt>Authentication</dt><dd>${authenticationFact(pairing)}</dd>` : ''}
</dl>
<section aria-labelledby="h-warn"><h2 id="h-warn">Warnings</h2>${warningList(warnings)}</section>
<section aria-labelledby="h-ev"><h2 id="h-ev">Recent events</h2>
  ${events.length > 0 ? html`<ol class="timeline">${events.map((t) => html`<li>${timeTag(toMs(pick(t, 'at')))} — ${pick(t, 'trial') === true ? 'trial ' : ''}${(str(t, 'kind') ?? 'event').replace(/_/g, ' ')}${pick(t, 'trial') === true ? html` <span class="badge">installation check, no alarm</span>` : ''}</li>`)}</ol>` : html`<p class="muted">None in the last days.</p>`}
</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">Lifecycle</h2>
  ${history.length > 0 ? html`<ol class="timeline">${history.map((h) => html`<li>${timeTag(toMs(pick(h, 'at')))} — ${str(h, 'fromStatus') ?? 'new'} → ${str(h, 'toStatus') ?? '?'}${str(h, 'note') ? html` (${str(h, 'note')})` : ''}</li>`)}</ol>` : html`<p class="muted">No lifecycle changes recorded.</p>`}
</section>`,
  };
}
