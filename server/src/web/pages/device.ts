import { notAvailable, stateBadge } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { html, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { list, pick, str } from '../read.js';

/** A device: registry record, lifecycle history, and its health as its home reports it. */
export async function devicePage(c: PageContext): Promise<PageResult> {
  const id = c.params['id'] ?? '';
  const r = await c.api.get(`/api/v1/devices/${seg(id)}`);
  if (!r.ok) return { title: 'Device not found', status: r.status, body: notAvailable('this device', r) };
  const d = pick(r.data, 'device') ?? r.data;
  const homeId = str(d, 'homeId');
  const health = homeId ? await c.api.get(`/api/v1/homes/${seg(homeId)}/health`) : undefined;
  const live = health?.ok
    ? list(health.data, 'devices').find((x) => str(x, 'id', 'deviceId') === id)
    : undefined;
  const warnings = health?.ok ? list(health.data, 'warnings').filter((w) => str(w, 'deviceId') === id) : [];
  const history = list(r.data, 'history');
  return {
    title: `${str(d, 'type') ?? 'Device'} ${str(d, 'serial') ?? id}`,
    body: html`<dl class="facts">
  <dt>State</dt><dd>${live ? stateBadge(pick(live, 'state', 'health.state')) : health && !health.ok ? notAvailable('live state', health) : stateBadge('unknown')}</dd>
  <dt>Last seen</dt><dd>${timeTag(toMs(pick(live, 'lastSeenAt', 'lastSeen')))}</dd>
  <dt>Home</dt><dd>${homeId ? html`<a href="/app/homes/${seg(homeId)}">Open home</a>` : 'Not installed'}</dd>
  <dt>Model</dt><dd>${str(d, 'model') ?? '—'}</dd>
  <dt>Firmware</dt><dd>${str(d, 'firmware') ?? '—'}</dd>
  <dt>Lifecycle</dt><dd>${str(d, 'status') ?? '—'}</dd>
  <dt>Installed</dt><dd>${str(d, 'installDate') ?? '—'}</dd>
</dl>
<section aria-labelledby="h-warn"><h2 id="h-warn">Warnings</h2>
  ${warnings.length > 0 ? html`<ul class="warnings">${warnings.map((w) => html`<li><span aria-hidden="true">⚠ </span>${str(w, 'kind', 'type') ?? 'warning'} since ${timeTag(toMs(pick(w, 'firstSeenAt', 'since')))}</li>`)}</ul>` : html`<p class="muted">None reported.</p>`}
</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">Timeline</h2>
  ${history.length > 0 ? html`<ol class="timeline">${history.map((h) => html`<li>${timeTag(toMs(pick(h, 'at')))} — ${str(h, 'fromStatus') ?? 'new'} → ${str(h, 'toStatus') ?? '?'}${str(h, 'note') ? html` (${str(h, 'note')})` : ''}</li>`)}</ol>` : html`<p class="muted">No lifecycle changes recorded.</p>`}
</section>`,
  };
}
