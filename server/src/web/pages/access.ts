import { t, word } from '../../i18n/index.js';
import type { ApiResult } from '../api-client.js';
import { emptyRow, notAvailable, stateBadge } from '../components.js';
import { duration, timeTag, toMs } from '../format.js';
import { homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

/** Alert kinds of the access module (access/README.md) in plain words for the alarm centre. */
export const alertLabel = (kind: string | undefined) => word('alert', kind ?? 'alert');

/** What a queued key-safe command does, for "not yet received by the key safe". */
const purposeLabel = (p: string | undefined) => word('purpose', p ?? '');

/** `keysafe:<device id>` → the key safe's serial and home; other subjects as they are. */
type Subjects = Map<string, { serial: string; homeId: string | undefined; address: string | undefined }>;
function subjectText(subject: string, safes: Subjects): SafeHtml {
  const k = subject.startsWith('keysafe:') ? safes.get(subject.slice(8)) : undefined;
  if (!k) return html`<span class="mono">${subject}</span>`;
  return html`${th('access.keySafeAt', { serial: html`<span class="mono">${k.serial}</span>` })}${k.homeId ? html` ${t('access.at')} <a href="/app/homes/${seg(k.homeId)}">${k.address ?? k.homeId}</a>` : ''}`;
}

function alertItem(a: Json, safes: Subjects): SafeHtml {
  const id = str(a, 'id') ?? '';
  return html`<li class="access-alert" data-alert-id="${id}">
    <div><strong class="text-bad"><span aria-hidden="true">⚠ </span>${alertLabel(str(a, 'kind'))}</strong>
      <span class="muted">· ${timeTag(toMs(pick(a, 'at')))}</span></div>
    <div>${subjectText(str(a, 'subject') ?? '', safes)}</div>
    <p>${str(a, 'message') ?? ''}</p>
    <button type="button" class="btn" data-ack-alert="${id}">${t('access.acknowledge')}</button>
  </li>`;
}

function alertsSection(r: ApiResult, safes: Subjects): SafeHtml {
  const open = r.ok ? list(r.data, 'alerts') : [];
  return html`<section aria-labelledby="h-alerts" data-open-access-alerts="${open.length}"><h2 id="h-alerts">${t('access.openAlerts')}</h2>
  ${
    !r.ok
      ? notAvailable(t('access.alertsWhat'), r)
      : open.length > 0
        ? html`<ul class="access-alerts">${open.map((a) => alertItem(a, safes))}</ul>`
        : html`<p class="notice notice-ok" role="status"><span aria-hidden="true">✓ </span>${t('access.noOpenAlerts')}</p>`
  }
</section>`;
}

function pendingSection(r: ApiResult, serials: Map<string, string>, now: number): SafeHtml {
  const rows = r.ok ? list(r.data) : [];
  return html`<section aria-labelledby="h-pending" data-pending-revocations="${rows.length}"><h2 id="h-pending">${t('access.pending')}</h2>
  ${
    r.ok
      ? html`<p class="muted">${t('access.pendingIntro')}</p>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">${t('access.col.keySafe')}</th><th scope="col">${t('access.col.what')}</th><th scope="col">${t('access.col.waiting')}</th><th scope="col">${t('access.col.state')}</th></tr></thead>
  <tbody>${
    rows.length > 0
      ? rows.map((c) => {
          const dev = str(c, 'deviceId') ?? '';
          const created = toMs(pick(c, 'createdAt'));
          return html`<tr><td class="mono"><a href="/app/devices/${seg(dev)}">${serials.get(dev) ?? dev}</a></td>
        <td data-label="${t('access.col.what')}">${purposeLabel(str(c, 'purpose'))}</td>
        <td data-label="${t('access.col.waiting')}">${created !== undefined ? html`${duration(now - created)} <span class="muted">${th('access.since', { when: timeTag(created) })}</span>` : '—'}</td>
        <td data-label="${t('access.col.state')}">${str(c, 'status') === 'sent' ? t('access.sentNoAnswer') : html`<strong class="text-bad">${t('access.notDelivered')}</strong>`}</td></tr>`;
        })
      : emptyRow(4, t('access.allReceived'))
  }</tbody></table></div>`
      : notAvailable(t('access.pendingWhat'), r)
  }
</section>`;
}

function clockSection(r: ApiResult, addresses: Map<string, string>): SafeHtml {
  const safes = r.ok ? list(r.data) : [];
  const drifting = safes.filter((k) => pick(k, 'clockDrifting') === true).length;
  return html`<section aria-labelledby="h-clock"><h2 id="h-clock">${t('access.clocks')}</h2>
  ${
    r.ok
      ? html`<p>${drifting > 0 ? html`<strong class="text-bad">${t('access.drifting', { count: drifting })}</strong>` : t('access.noDrift')} ${t('access.clockRule')}</p>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">${t('access.col.keySafe')}</th><th scope="col">${t('access.col.home')}</th><th scope="col">${t('access.col.link')}</th><th scope="col">${t('access.col.clock')}</th><th scope="col">${t('access.col.waiting')}</th></tr></thead>
  <tbody>${
    safes.length > 0
      ? safes.map((k) => {
          const off = num(k, 'clockOffsetMs');
          const homeId = str(k, 'homeId');
          const clock =
            off === undefined
              ? html`<span class="muted">${t('access.notReported')}</span>`
              : html`${pick(k, 'clockDrifting') === true ? html`<strong class="text-bad">${t('access.driftingBadge')}</strong> ` : ''}${off >= 0 ? '+' : '−'}${duration(Math.abs(off))} <span class="muted">${th('access.reported', { when: timeTag(toMs(pick(k, 'clockReportedAt'))) })}</span>`;
          return html`<tr data-keysafe="${str(k, 'deviceId') ?? ''}"><td class="mono"><a href="/app/devices/${seg(str(k, 'deviceId') ?? '')}">${str(k, 'serial') ?? ''}</a>${pick(k, 'blocked') === true ? html` <strong class="text-bad">${t('access.blocked')}</strong>` : ''}</td>
        <td data-label="${t('access.col.home')}">${homeId ? html`<a href="/app/homes/${seg(homeId)}">${addresses.get(homeId) ?? homeId}</a>` : html`<span class="muted">—</span>`}</td>
        <td data-label="${t('access.col.link')}">${stateBadge(pick(k, 'online') === true ? 'online' : 'offline')}</td>
        <td data-label="${t('access.col.clock')}">${clock}</td>
        <td data-label="${t('access.col.waiting')}">${num(k, 'notYetReceived') ?? 0}</td></tr>`;
        })
      : emptyRow(5, t('access.noKeySafes'))
  }</tbody></table></div>`
      : notAvailable(t('access.keySafesWhat'), r)
  }
</section>`;
}

/**
 * The alarm centre's access page: open access alerts with an acknowledge button
 * (live over the `access.alert` stream event), commands not yet received, and key-safe clocks.
 */
export async function accessPage(c: PageContext): Promise<PageResult> {
  const [alerts, pending, keysafes] = await Promise.all([
    c.api.get('/api/v1/access/alerts', { open: 'true', limit: 200 }),
    c.api.get('/api/v1/access/revocations/pending'),
    c.api.get('/api/v1/access/keysafes'),
  ]);
  const safes = keysafes.ok ? list(keysafes.data) : [];
  const serials = new Map(safes.map((k) => [str(k, 'deviceId') ?? '', str(k, 'serial') ?? ''] as const));
  const labels = await homeLabels(
    c.api,
    safes.map((k) => str(k, 'homeId')),
  );
  const addresses = new Map([...labels].map(([id, l]) => [id, l.address] as const));
  const subjects: Subjects = new Map(
    safes.map((k) => {
      const homeId = str(k, 'homeId');
      const info = {
        serial: str(k, 'serial') ?? '',
        homeId,
        address: homeId ? addresses.get(homeId) : undefined,
      };
      return [str(k, 'deviceId') ?? '', info] as const;
    }),
  );
  return {
    title: t('access.title'),
    scripts: ['access.js'],
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body: html`${alertsSection(alerts, subjects)}${pendingSection(pending, serials, c.now)}${clockSection(keysafes, addresses)}`,
  };
}
