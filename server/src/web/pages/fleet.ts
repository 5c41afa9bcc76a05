import type { ApiResult } from '../api-client.js';
import { emptyRow, notAvailable, pager, STATES, stateBadge } from '../components.js';
import { timeTag, toMs } from '../format.js';
import { type HomeLabel, homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str, total } from '../read.js';

const PAGE_SIZE = 50;

/** One summary tile; a count the API did not report shows "not reported", never 0. */
function tile(
  label: string,
  value: number | undefined,
  tone: 'ok' | 'warn' | 'bad' | 'neutral',
  href?: string,
) {
  const cls = value === undefined ? 'neutral' : value > 0 ? tone : 'ok';
  const inner = html`<span class="tile-value">${value ?? '—'}</span><span class="tile-label">${label}${value === undefined ? html` <span class="muted">(not reported)</span>` : ''}</span>`;
  return href
    ? html`<a class="tile tone-${cls}" href="${href}" data-tile="${label}">${inner}</a>`
    : html`<div class="tile tone-${cls}" data-tile="${label}">${inner}</div>`;
}

/** Open access alerts for the alarm centre; `undefined` when not theirs to see. */
function accessTile(r: ApiResult | null): SafeHtml {
  if (r === null) return html``;
  const n = r.ok ? list(r.data, 'alerts').length : undefined;
  return tile('Open access alerts', n, 'bad', '/app/access');
}

function summaryTiles(r: ApiResult, access: ApiResult | null): SafeHtml {
  if (!r.ok)
    return html`${notAvailable('fleet summary', r)}${access ? html`<div class="tiles">${accessTile(access)}</div>` : ''}`;
  const s = r.data;
  const count = (k: string) => num(s, `gateways.${k}`, `counts.${k}`, k);
  return html`<section aria-labelledby="h-summary"><h2 id="h-summary" class="visually-hidden">Fleet summary</h2>
  <div class="tiles">
    ${tile('Online', count('online'), 'ok', '/app/fleet?state=online')}
    ${tile('Late', count('stale'), 'warn', '/app/fleet?state=stale')}
    ${tile('Offline', count('offline'), 'bad', '/app/fleet?state=offline')}
    ${tile('Unknown', count('unknown'), 'warn', '/app/fleet?state=unknown')}
    ${tile('Open alarms', num(s, 'openAlarms', 'alarms.open', 'alarms'), 'bad', '/app/alarms')}
    ${tile('Open incidents', num(s, 'openIncidents', 'incidents.open', 'incidents'), 'bad')}
    ${tile('Degraded units', num(s, 'degradedGateways'), 'warn')}
    ${tile('Budgets burning', num(s, 'budgetsBurning', 'budgets.burning', 'budgets.alerting'), 'warn')}
    ${accessTile(access)}
    ${tile('Devices needing attention', num(s, 'devicesNeedingAttention', 'devices.needingAttention', 'devices.attention', 'attention'), 'warn')}
  </div></section>`;
}

function gatewayRow(g: Json, labels: Map<string, HomeLabel>): SafeHtml {
  const homeId = str(g, 'homeId', 'home.id');
  const label =
    (homeId ? labels.get(homeId)?.address : undefined) ??
    str(g, 'address', 'home.address') ??
    homeId ??
    'No home';
  const lastSeen = toMs(pick(g, 'lastSeenAt', 'lastSeen', 'seenAt'));
  return html`<tr data-gateway-id="${str(g, 'gatewayId', 'id') ?? ''}">
    <td>${homeId ? html`<a href="/app/homes/${seg(homeId)}">${label}</a>` : label}</td>
    <td data-label="Region">${str(g, 'region', 'home.region') ?? html`<span class="muted">—</span>`}</td>
    <td data-label="State">${stateBadge(pick(g, 'state', 'status', 'health.state'))}${pick(g, 'degraded') === true ? html` <span class="badge state-stale" title="the home unit's data disk: ${str(g, 'storage') ?? ''}">⚠ Degraded: disk ${str(g, 'storage') ?? ''}</span>` : html``}</td>
    <td data-label="Last seen">${timeTag(lastSeen)}</td>
    <td data-label="Gateway" class="mono">${str(g, 'gatewayId', 'id') ?? ''}</td>
  </tr>`;
}

function homeRow(h: Json): SafeHtml {
  const id = str(h, 'id') ?? '';
  return html`<tr data-home-id="${id}">
    <td><a href="/app/homes/${seg(id)}">${str(h, 'address') ?? id}</a></td>
    <td data-label="Region">${str(h, 'region') ?? html`<span class="muted">—</span>`}</td>
    <td data-label="State">${stateBadge('unknown')}</td><td data-label="Last seen"><span class="muted">not reported</span></td><td data-label="Gateway"><span class="muted">—</span></td>
  </tr>`;
}

/** Per-gateway health, paginated: `/api/v1/fleet/gateways` (health/API.md), older name as fallback. */
async function gatewayHealthList(c: PageContext, q: Record<string, string | number | undefined>) {
  const r = await c.api.get('/api/v1/fleet/gateways', q);
  return r.ok || !r.missing ? r : c.api.get('/api/v1/gateways', q);
}

/**
 * Fleet overview: server-side counts and a server-side paginated, filterable list,
 * so the page costs the same with 10 or 10,000 homes (comparable frontends are reported to freeze past ~120
 * devices).
 */
export async function fleetPage(c: PageContext): Promise<PageResult> {
  const stateQ = STATES.find((s) => s === c.query['state']);
  const region = c.query['region']?.trim() || undefined;
  const offset = Math.max(0, Number.parseInt(c.query['offset'] ?? '0', 10) || 0);
  const role = c.principal.user.role;
  const [summary, gateways, access] = await Promise.all([
    c.api.get('/api/v1/fleet/summary'),
    gatewayHealthList(c, { limit: PAGE_SIZE, offset, state: stateQ, region }),
    role === 'admin' || role === 'monitor'
      ? c.api.get('/api/v1/access/alerts', { open: 'true', limit: 500 })
      : Promise.resolve(null),
  ]);

  let rows: SafeHtml[];
  let note: SafeHtml = html``;
  let shown: number;
  let count: number | undefined;
  const healthList =
    gateways.ok &&
    (total(gateways.data) !== undefined ||
      list(gateways.data).some((g) => pick(g, 'state', 'status', 'health.state') !== undefined));
  if (healthList) {
    const items = list(gateways.data);
    const labels = await homeLabels(
      c.api,
      items.map((g) => str(g, 'homeId')),
    );
    rows = items.map((g) => gatewayRow(g, labels));
    shown = items.length;
    count = total(gateways.data);
  } else {
    // No per-gateway health from the API: list homes from the registry, state honestly unknown.
    const homes = await c.api.get('/api/v1/homes', { limit: PAGE_SIZE, offset, region });
    const items = homes.ok ? list(homes.data) : [];
    rows = items.map(homeRow);
    shown = items.length;
    count = homes.ok ? total(homes.data) : 0;
    note = gateways.ok
      ? html`<p class="notice notice-unavailable" role="note"><strong>Not available:</strong> live state per home — this server does not report gateway health yet.</p>`
      : notAvailable('gateway health list', {
          ...gateways,
          missing: gateways.missing || gateways.status === 400,
        });
    if (!homes.ok) note = html`${note}${notAvailable('homes', homes)}`;
  }

  const controls = html`<form class="filters" method="get" action="/app/fleet" role="search">
  <label>State <select name="state">
    <option value="">All</option>
    ${STATES.map((s) => html`<option value="${s}"${s === stateQ ? html` selected` : ''}>${s === 'stale' ? 'late' : s}</option>`)}
  </select></label>
  <label>Region <input name="region" value="${region ?? ''}" maxlength="100" placeholder="e.g. Noord"></label>
  <button class="btn" type="submit">Filter</button>
  ${stateQ || region ? html`<a class="btn btn-quiet" href="/app/fleet">Clear</a>` : ''}
</form>`;

  return {
    title: 'Fleet overview',
    controls,
    body: html`${summaryTiles(summary, access)}
<section aria-labelledby="h-homes"><h2 id="h-homes">Homes and gateways</h2>
${note}
<div class="table-wrap"><table class="list">
  <thead><tr><th scope="col">Home</th><th scope="col">Region</th><th scope="col">State</th><th scope="col">Last seen</th><th scope="col">Gateway</th></tr></thead>
  <tbody>${rows.length > 0 ? rows : emptyRow(5, 'Nothing matches this filter.')}</tbody>
</table></div>
${pager('/app/fleet', { state: stateQ, region }, offset, PAGE_SIZE, shown, count)}
</section>`,
  };
}
