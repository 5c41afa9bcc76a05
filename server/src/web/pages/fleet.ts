import { t } from '../../i18n/index.js';
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
  const inner = html`<span class="tile-value">${value ?? '—'}</span><span class="tile-label">${label}${value === undefined ? html` <span class="muted">${t('fleet.notReported')}</span>` : ''}</span>`;
  return href
    ? html`<a class="tile tone-${cls}" href="${href}" data-tile="${label}">${inner}</a>`
    : html`<div class="tile tone-${cls}" data-tile="${label}">${inner}</div>`;
}

/** Open access alerts for the alarm centre; `undefined` when not theirs to see. */
function accessTile(r: ApiResult | null): SafeHtml {
  if (r === null) return html``;
  const n = r.ok ? list(r.data, 'alerts').length : undefined;
  return tile(t('fleet.tile.accessAlerts'), n, 'bad', '/app/access');
}

function summaryTiles(r: ApiResult, access: ApiResult | null): SafeHtml {
  if (!r.ok)
    return html`${notAvailable(t('fleet.summaryWhat'), r)}${access ? html`<div class="tiles">${accessTile(access)}</div>` : ''}`;
  const s = r.data;
  const count = (k: string) => num(s, `gateways.${k}`, `counts.${k}`, k);
  return html`<section aria-labelledby="h-summary"><h2 id="h-summary" class="visually-hidden">${t('fleet.summary')}</h2>
  <div class="tiles">
    ${tile(t('fleet.tile.online'), count('online'), 'ok', '/app/fleet?state=online')}
    ${tile(t('fleet.tile.late'), count('stale'), 'warn', '/app/fleet?state=stale')}
    ${tile(t('fleet.tile.offline'), count('offline'), 'bad', '/app/fleet?state=offline')}
    ${tile(t('fleet.tile.unknown'), count('unknown'), 'warn', '/app/fleet?state=unknown')}
    ${tile(t('fleet.tile.openAlarms'), num(s, 'openAlarms', 'alarms.open', 'alarms'), 'bad', '/app/alarms')}
    ${tile(t('fleet.tile.openIncidents'), num(s, 'openIncidents', 'incidents.open', 'incidents'), 'bad')}
    ${tile(t('fleet.tile.degraded'), num(s, 'degradedGateways'), 'warn')}
    ${tile(t('fleet.tile.budgets'), num(s, 'budgetsBurning', 'budgets.burning', 'budgets.alerting'), 'warn')}
    ${accessTile(access)}
    ${tile(t('fleet.tile.attention'), num(s, 'devicesNeedingAttention', 'devices.needingAttention', 'devices.attention', 'attention'), 'warn')}
  </div></section>`;
}

function gatewayRow(g: Json, labels: Map<string, HomeLabel>): SafeHtml {
  const homeId = str(g, 'homeId', 'home.id');
  const label =
    (homeId ? labels.get(homeId)?.address : undefined) ??
    str(g, 'address', 'home.address') ??
    homeId ??
    t('fleet.noHome');
  const lastSeen = toMs(pick(g, 'lastSeenAt', 'lastSeen', 'seenAt'));
  return html`<tr data-gateway-id="${str(g, 'gatewayId', 'id') ?? ''}">
    <td>${homeId ? html`<a href="/app/homes/${seg(homeId)}">${label}</a>` : label}</td>
    <td data-label="${t('fleet.col.region')}">${str(g, 'region', 'home.region') ?? html`<span class="muted">—</span>`}</td>
    <td data-label="${t('fleet.col.state')}">${stateBadge(pick(g, 'state', 'status', 'health.state'))}${pick(g, 'degraded') === true ? html` <span class="badge state-stale" title="${t('fleet.degradedTitle', { storage: str(g, 'storage') ?? '' })}">⚠ ${t('fleet.degraded', { storage: str(g, 'storage') ?? '' })}</span>` : html``}</td>
    <td data-label="${t('fleet.col.lastSeen')}">${timeTag(lastSeen)}</td>
    <td data-label="${t('fleet.col.gateway')}" class="mono">${str(g, 'gatewayId', 'id') ?? ''}</td>
  </tr>`;
}

function homeRow(h: Json): SafeHtml {
  const id = str(h, 'id') ?? '';
  return html`<tr data-home-id="${id}">
    <td><a href="/app/homes/${seg(id)}">${str(h, 'address') ?? id}</a></td>
    <td data-label="${t('fleet.col.region')}">${str(h, 'region') ?? html`<span class="muted">—</span>`}</td>
    <td data-label="${t('fleet.col.state')}">${stateBadge('unknown')}</td><td data-label="${t('fleet.col.lastSeen')}"><span class="muted">${t('fleet.notReportedShort')}</span></td><td data-label="${t('fleet.col.gateway')}"><span class="muted">—</span></td>
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
      ? html`<p class="notice notice-unavailable" role="note"><strong>${t('common.notAvailable')}</strong> ${t('fleet.noHealth')}</p>`
      : notAvailable(t('fleet.healthList'), {
          ...gateways,
          missing: gateways.missing || gateways.status === 400,
        });
    if (!homes.ok) note = html`${note}${notAvailable(t('fleet.homesWhat'), homes)}`;
  }

  const controls = html`<form class="filters" method="get" action="/app/fleet" role="search">
  <label>${t('fleet.filter.state')} <select name="state">
    <option value="">${t('fleet.filter.all')}</option>
    ${STATES.map((s) => html`<option value="${s}"${s === stateQ ? html` selected` : ''}>${t(`state.${s}`)}</option>`)}
  </select></label>
  <label>${t('fleet.filter.region')} <input name="region" value="${region ?? ''}" maxlength="100" placeholder="${t('fleet.filter.regionExample')}"></label>
  <button class="btn" type="submit">${t('fleet.filter.submit')}</button>
  ${stateQ || region ? html`<a class="btn btn-quiet" href="/app/fleet">${t('fleet.filter.clear')}</a>` : ''}
</form>`;

  return {
    title: t('fleet.title'),
    controls,
    body: html`${summaryTiles(summary, access)}
<section aria-labelledby="h-homes"><h2 id="h-homes">${t('fleet.homesAndGateways')}</h2>
${note}
<div class="table-wrap"><table class="list">
  <thead><tr><th scope="col">${t('fleet.col.home')}</th><th scope="col">${t('fleet.col.region')}</th><th scope="col">${t('fleet.col.state')}</th><th scope="col">${t('fleet.col.lastSeen')}</th><th scope="col">${t('fleet.col.gateway')}</th></tr></thead>
  <tbody>${rows.length > 0 ? rows : emptyRow(5, t('fleet.nothing'))}</tbody>
</table></div>
${pager('/app/fleet', { state: stateQ, region }, offset, PAGE_SIZE, shown, count)}
</section>`,
  };
}
