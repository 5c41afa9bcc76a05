import { i18n, t, word } from '../../i18n/index.js';
import { withDeliveries } from '../alarm-delivery.js';
import type { ApiResult } from '../api-client.js';
import { assignChoices } from '../assign-choices.js';
import { emptyRow, notAvailable, stateBadge } from '../components.js';
import { duration, timeTag, toMs } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';
import { accessLogSection, whoMayEnterSection } from './access-sections.js';
import { alarmCard } from './alarms.js';
import { clientHomePage } from './client-home.js';

const YEAR_BUDGET_MS = 5 * 3_600_000; // REQUIREMENTS §8.8: 5 h per rolling year
const INCIDENT_BUDGET_MS = 90 * 60_000; // REQUIREMENTS §8.8: 90 min per incident

/** A duration the API may give in ms, s or min (field suffix decides). */
function msField(v: Json, base: string): number | undefined {
  const ms = num(v, `${base}Ms`);
  if (ms !== undefined) return ms;
  const s = num(v, `${base}S`, `${base}Seconds`);
  if (s !== undefined) return s * 1000;
  const m = num(v, `${base}Min`, `${base}Minutes`);
  return m === undefined ? undefined : m * 60_000;
}

function budgetBlock(b: Json): SafeHtml {
  const consumed = msField(b, 'consumed') ?? msField(b, 'used') ?? msField(b, 'downtime');
  const limit = msField(b, 'yearly') ?? msField(b, 'limit') ?? YEAR_BUDGET_MS;
  if (consumed === undefined) return html`<p class="muted">${t('home.budgetNone')}</p>`;
  const remaining = msField(b, 'remaining') ?? Math.max(0, limit - consumed);
  const pct = Math.min(100, Math.round((consumed / limit) * 100));
  const exhaustion = toMs(pick(b, 'predictedExhaustionAt', 'exhaustionAt', 'prediction.exhaustionAt'));
  const windows = list(b, 'windows');
  const burning =
    pick(b, 'burning', 'alerting') === true || windows.some((w) => pick(w, 'alerting') === true);
  const longest = msField(b, 'longestIncident');
  return html`<div class="budget ${pct >= 100 ? 'budget-breached' : burning ? 'budget-burning' : ''}">
    <p>${th('home.budgetUsed', { used: html`<strong>${duration(consumed)}</strong>`, limit: duration(limit), pct, left: duration(remaining) })}</p>
    <meter min="0" max="100" low="50" high="80" optimum="0" value="${pct}" aria-label="${t('home.budgetMeter')}">${pct} %</meter>
    <p>${t('home.perIncident', { max: duration(INCIDENT_BUDGET_MS) })}${longest !== undefined ? html`${t('home.longest', { longest: duration(longest) })}${longest > INCIDENT_BUDGET_MS ? html` <strong class="text-bad">${t('home.over')}</strong>` : ''}` : ''}.
      ${exhaustion !== undefined ? th('home.exhaustion', { when: timeTag(exhaustion) }) : t('home.noExhaustion')}</p>
    ${windows.length > 0 ? html`<ul class="windows">${windows.map((w) => html`<li>${t('home.window', { name: str(w, 'name') ?? '', rate: i18n().number(num(w, 'burnRate') ?? 0) })}${pick(w, 'alerting') === true ? html` <strong class="text-bad">${t('home.alerting')}</strong>` : ''}</li>`)}</ul>` : ''}
    ${burning ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">⚠ </span><strong>${t('home.burning')}</strong> ${t('home.burningText')}</p>` : ''}
  </div>`;
}

function incidentRow(i: Json, now: number): SafeHtml {
  const start = toMs(pick(i, 'startedAt', 'since', 'openedAt'));
  const end = toMs(pick(i, 'endedAt', 'closedAt'));
  const down = num(i, 'downtimeMs') ?? (start !== undefined ? (end ?? now) - start : undefined);
  return html`<tr><td>${word('subject', str(i, 'subjectKind'))} <span class="mono">${str(i, 'subjectId', 'deviceId', 'gatewayId') ?? ''}</span></td><td data-label="${t('home.col.reason')}">${word('cause', str(i, 'cause', 'reason'))}</td>
    <td data-label="${t('home.col.downSince')}">${timeTag(start)}</td><td data-label="${t('home.col.downtime')}">${down !== undefined ? duration(down) : '—'}${end === undefined ? html` <strong class="text-bad">${t('home.open')}</strong>` : ''}</td></tr>`;
}

/** A timeline entry; a trial from the installation check says so and is never shown as an alarm. */
function timelineItem(e: Json): SafeHtml {
  const at = toMs(pick(e, 'at', 'time', 'ts'));
  const what = word('event', str(e, 'kind', 'type'), 'event.other');
  const trial = pick(e, 'trial') === true;
  return html`<li${trial ? html` class="trial" data-trial="true"` : ''}>${timeTag(at)} — ${trial ? html`${t('home.trial', { what })} <span class="badge">${t('home.trialBadge')}</span>` : what}${str(e, 'deviceId') ? html` <span class="muted">(${word('device', str(e, 'deviceKind'), 'device.other')} <span class="mono">${str(e, 'deviceId')}</span>)</span>` : ''}</li>`;
}

interface DeviceLine {
  href: string;
  label: string;
  kind: string;
  live: Json;
  lifecycle: string | undefined;
  /** Pendants: whether their adverts are authenticated [PENDANT SPEC §5.1]; undefined when unknown. */
  authenticated?: boolean | undefined;
}

/**
 * One row per device: what the gateway reports (health, keyed by the gateway's device id) joined
 * with the registry (keyed by serial). A registered device the gateway does not report is shown
 * as unknown, never as fine.
 */
function deviceLines(homeId: string, health: Json[], registry: Json[]): DeviceLine[] {
  const bySerial = new Map(registry.map((r) => [str(r, 'serial') ?? '', r] as const));
  const lines: DeviceLine[] = health.map((d) => {
    const devId = str(d, 'deviceId', 'id') ?? '';
    const reg = bySerial.get(devId);
    bySerial.delete(devId);
    return {
      href: reg
        ? `/app/devices/${seg(str(reg, 'id') ?? '')}`
        : `/app/devices/${seg(devId)}?home=${encodeURIComponent(homeId)}`,
      label: devId,
      kind: str(d, 'kind') ?? str(reg, 'type') ?? '',
      live: d,
      lifecycle: str(reg, 'status'),
    };
  });
  for (const reg of bySerial.values())
    if (str(reg, 'type') !== 'gateway')
      lines.push({
        href: `/app/devices/${seg(str(reg, 'id') ?? '')}`,
        label: str(reg, 'serial') ?? '',
        kind: str(reg, 'type') ?? '',
        live: undefined,
        lifecycle: str(reg, 'status'),
      });
  return lines;
}

function authBadge(authenticated: boolean | undefined): SafeHtml | '' {
  if (authenticated === undefined) return '';
  return authenticated
    ? html` <span class="badge state-online" title="${t('home.authenticatedTitle')}">${t('home.authenticated')}</span>`
    : html` <span class="badge state-offline" title="${t('home.notAuthenticatedTitle')}">${t('home.notAuthenticated')}</span>`;
}

function deviceRow(d: DeviceLine): SafeHtml {
  const battery = num(d.live, 'battery');
  return html`<tr><td><a href="${d.href}">${d.label}</a></td><td data-label="${t('home.col.type')}">${word('device', d.kind || undefined, 'device.other')}${authBadge(d.authenticated)}${d.lifecycle ? html` <span class="muted">(${word('lifecycle', d.lifecycle)})</span>` : ''}</td>
    <td data-label="${t('home.col.state')}">${stateBadge(pick(d.live, 'state'))}${d.live === undefined ? html` <span class="muted">${t('home.notReportedByGateway')}</span>` : ''}</td>
    <td data-label="${t('home.col.lastSeen')}">${timeTag(toMs(pick(d.live, 'lastSeenAt', 'lastSeen')))}</td>
    <td data-label="${t('home.col.battery')}">${battery !== undefined ? `${battery} %` : '—'}${battery !== undefined && battery <= 20 ? html` <strong class="text-bad">${t('home.batteryLow')}</strong>` : ''}</td></tr>`;
}

function healthSections(
  homeId: string,
  h: ApiResult,
  registry: ApiResult,
  now: number,
  pairings: ApiResult,
): SafeHtml {
  const auth = new Map(
    (pairings.ok ? list(pairings.data) : []).map((p) => [
      str(p, 'serial') ?? '',
      pick(p, 'authenticated') === true,
    ]),
  );
  const devices = deviceLines(
    homeId,
    h.ok ? list(h.data, 'devices') : [],
    registry.ok ? list(registry.data) : [],
  ).map((d) => ({ ...d, authenticated: auth.get(d.label) }));
  const warnings = h.ok ? list(h.data, 'warnings').filter((w) => pick(w, 'closedAt') === undefined) : [];
  const gw = h.ok ? pick(h.data, 'gateway', 'gateways.0') : undefined;
  return html`
<section aria-labelledby="h-gw"><h2 id="h-gw">${t('home.gateway')}</h2>
  ${h.ok && gw !== undefined ? html`<p>${stateBadge(pick(gw, 'state', 'status'))} <span class="mono">${str(gw, 'id', 'gatewayId') ?? ''}</span> · ${th('home.lastSeen', { when: timeTag(toMs(pick(gw, 'lastSeenAt', 'lastSeen'))) })}</p>` : notAvailable(t('home.gatewayState'), h.ok ? { ok: false, status: 404, missing: true, message: '', code: undefined } : h)}
</section>
<section aria-labelledby="h-dev"><h2 id="h-dev">${t('home.devices')}</h2>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">${t('home.col.device')}</th><th scope="col">${t('home.col.type')}</th><th scope="col">${t('home.col.state')}</th><th scope="col">${t('home.col.lastSeen')}</th><th scope="col">${t('home.col.battery')}</th></tr></thead>
  <tbody>${devices.length > 0 ? devices.map(deviceRow) : emptyRow(5, t('home.noDevices'))}</tbody></table></div>
</section>
<section aria-labelledby="h-inc"><h2 id="h-inc">${t('home.incidents')}</h2>
  ${
    h.ok
      ? html`<div class="table-wrap"><table class="list"><thead><tr><th scope="col">${t('home.col.what')}</th><th scope="col">${t('home.col.reason')}</th><th scope="col">${t('home.col.downSince')}</th><th scope="col">${t('home.col.downtime')}</th></tr></thead>
  <tbody>${list(h.data, 'incidents').length > 0 ? list(h.data, 'incidents').map((i) => incidentRow(i, now)) : emptyRow(4, t('home.noIncidents'))}</tbody></table></div>`
      : notAvailable(t('home.incidentsWhat'), h)
  }
</section>
<section aria-labelledby="h-bud"><h2 id="h-bud">${t('home.budget')}</h2>
  ${h.ok ? budgetBlock(pick(h.data, 'budget')) : notAvailable(t('home.budgetWhat'), h)}
</section>
<section aria-labelledby="h-warn"><h2 id="h-warn">${t('home.warnings')}</h2>
  ${h.ok ? (warnings.length > 0 ? html`<ul class="warnings">${warnings.map((w) => html`<li><span aria-hidden="true">⚠ </span>${word('warning', str(w, 'kind', 'type'), 'warning.other')}${str(w, 'deviceId') ? html` — <span class="mono">${str(w, 'deviceId')}</span>` : ''} ${th('home.warningSince', { when: timeTag(toMs(pick(w, 'firstSeenAt', 'since', 'openedAt'))) })}</li>`)}</ul>` : html`<p class="muted">${t('home.noWarnings')}</p>`) : notAvailable(t('home.warningsWhat'), h)}
</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">${t('home.timeline')}</h2>
  ${h.ok ? (list(h.data, 'timeline').length > 0 ? html`<ol class="timeline">${list(h.data, 'timeline').map(timelineItem)}</ol>` : html`<p class="muted">${t('home.nothingYet')}</p>`) : notAvailable(t('home.timelineWhat'), h)}
</section>`;
}

/** A home: registry data plus its health (gateway, devices, incidents, budget, warnings, timeline). */
export async function homePage(c: PageContext): Promise<PageResult> {
  const id = c.params['id'] ?? '';
  const home = await c.api.get(`/api/v1/homes/${seg(id)}`);
  if (!home.ok)
    return {
      title: t('home.notFound'),
      status: home.status === 404 ? 404 : home.status,
      body: notAvailable(t('home.this'), home),
    };
  if (c.principal.user.role === 'client') return clientHomePage(c, id, home.data);
  const role = c.principal.user.role;
  const handlesAlarms = role === 'admin' || role === 'monitor';
  const none = Promise.resolve<ApiResult>({ ok: true, data: [] });
  // Who may enter and who entered: alarm centre and admins (the client sees it on their own page).
  const seesAccess = handlesAlarms;
  const [health, devices, alarms, overview, accessLog, pairings] = await Promise.all([
    c.api.get(`/api/v1/homes/${seg(id)}/health`),
    c.api.get('/api/v1/devices', { homeId: id }),
    handlesAlarms ? c.api.get('/api/v1/alarms', { homeId: id, open: 'true', limit: 20 }) : none,
    seesAccess ? c.api.get(`/api/v1/homes/${seg(id)}/access-overview`) : none,
    seesAccess ? c.api.get(`/api/v1/homes/${seg(id)}/access-log`, { limit: 100 }) : none,
    role !== 'care_worker' ? c.api.get(`/api/v1/homes/${seg(id)}/pendant-pairings`) : none,
  ]);
  const openAlarms = alarms.ok ? await withDeliveries(c.api, list(alarms.data)) : [];
  const choices = openAlarms.length > 0 ? await assignChoices(c.api, role, openAlarms) : undefined;
  const h = home.data;
  const place = [str(h, 'postalCode'), str(h, 'city')].filter(Boolean).join(' ');
  const labels = new Map([[id, { address: str(h, 'address') ?? id, region: str(h, 'region') }]]);
  return {
    title: str(h, 'address') ?? t('home.fallbackTitle'),
    scripts: handlesAlarms ? ['alarms.js'] : [],
    controls: handlesAlarms
      ? html`<p id="action-status" class="notice" role="status" hidden></p>`
      : undefined,
    body: html`<p class="lead">${place}${str(h, 'region') ? html` · ${t('home.region', { region: str(h, 'region') ?? '' })}` : ''}</p>
${str(h, 'accessProcedure') ? html`<details><summary>${t('home.accessProcedure')}</summary><p>${str(h, 'accessProcedure')}</p></details>` : ''}
${
  handlesAlarms
    ? html`<section aria-labelledby="h-al" data-open-alarms="${openAlarms.length}"><h2 id="h-al">${t('home.openAlarms')}</h2>
  ${alarms.ok ? (openAlarms.length > 0 ? html`<div class="alarm-list">${openAlarms.map((a) => alarmCard(a, c.now, labels, role, choices))}</div>` : html`<p class="muted">${t('common.none')}</p>`) : notAvailable(t('home.alarms'), alarms)}
</section>`
    : ''
}
${seesAccess ? html`${accessLogSection(accessLog)}${whoMayEnterSection(overview)}` : ''}
${healthSections(id, health, devices, c.now, pairings)}`,
  };
}

/** A client's entry page: their home, or a choice when they have several. */
export async function myHomePage(c: PageContext): Promise<PageResult> {
  const r = await c.api.get('/api/v1/homes', { limit: 20 });
  const homes = r.ok ? list(r.data) : [];
  const first = homes[0];
  if (homes.length === 1 && first !== undefined)
    return homePage({ ...c, params: { id: str(first, 'id') ?? '' } });
  return {
    title: t('home.myHome'),
    body: r.ok
      ? homes.length > 0
        ? html`<ul>${homes.map((h) => html`<li><a href="/app/homes/${seg(str(h, 'id') ?? '')}">${str(h, 'address') ?? ''}</a></li>`)}</ul>`
        : html`<p>${t('home.noHomeLinked')}</p>`
      : notAvailable(t('home.yourHomes'), r),
  };
}
