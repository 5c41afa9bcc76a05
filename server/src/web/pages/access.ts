import type { ApiResult } from '../api-client.js';
import { emptyRow, notAvailable } from '../components.js';
import { duration, timeTag, toMs } from '../format.js';
import { homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, pick, str } from '../read.js';

/** Alert kinds of the access module (access/README.md) in plain words for the alarm centre. */
export const ALERT_LABEL: Record<string, string> = {
  repeated_refusals: 'Repeated refusals',
  repeated_wrong_codes: 'Repeated wrong codes',
  lockout: 'Keypad locked out',
  opening_without_release: 'Opened without a released code',
  device_audit_gap: 'Key safe audit: records missing',
  device_audit_bad_mac: 'Key safe audit: record does not verify',
  device_audit_reordered: 'Key safe audit: records out of order',
  clock_drift: 'Key safe clock drifting',
  door_forced: 'Door forced',
  tamper: 'Tampering',
};

/** What a queued key-safe command does, for "not yet received by the key safe". */
const PURPOSE_LABEL: Record<string, string> = {
  block: 'Block the key safe',
  unblock: 'Lift the block',
  revoke: 'Withdraw a person’s codes',
  rotate_offline_key: 'Void outstanding offline codes',
  offline_key: 'Offline-code key',
  time_sync: 'Set the clock',
};

export const alertLabel = (kind: string | undefined) =>
  ALERT_LABEL[kind ?? ''] ?? (kind ?? 'alert').replace(/_/g, ' ');

/** `keysafe:<device id>` → the key safe's serial and home; other subjects as they are. */
type Subjects = Map<string, { serial: string; homeId: string | undefined; address: string | undefined }>;
function subjectText(subject: string, safes: Subjects): SafeHtml {
  const k = subject.startsWith('keysafe:') ? safes.get(subject.slice(8)) : undefined;
  if (!k) return html`<span class="mono">${subject}</span>`;
  return html`key safe <span class="mono">${k.serial}</span>${k.homeId ? html` at <a href="/app/homes/${seg(k.homeId)}">${k.address ?? k.homeId}</a>` : ''}`;
}

function alertItem(a: Json, safes: Subjects): SafeHtml {
  const id = str(a, 'id') ?? '';
  return html`<li class="access-alert" data-alert-id="${id}">
    <div><strong class="text-bad"><span aria-hidden="true">⚠ </span>${alertLabel(str(a, 'kind'))}</strong>
      <span class="muted">· ${timeTag(toMs(pick(a, 'at')))}</span></div>
    <div>${subjectText(str(a, 'subject') ?? '', safes)}</div>
    <p>${str(a, 'message') ?? ''}</p>
    <button type="button" class="btn" data-ack-alert="${id}">Acknowledge</button>
  </li>`;
}

function alertsSection(r: ApiResult, safes: Subjects): SafeHtml {
  const open = r.ok ? list(r.data, 'alerts') : [];
  return html`<section aria-labelledby="h-alerts" data-open-access-alerts="${open.length}"><h2 id="h-alerts">Open access alerts</h2>
  ${
    !r.ok
      ? notAvailable('access alerts', r)
      : open.length > 0
        ? html`<ul class="access-alerts">${open.map((a) => alertItem(a, safes))}</ul>`
        : html`<p class="notice notice-ok" role="status"><span aria-hidden="true">✓ </span>No open access alerts.</p>`
  }
</section>`;
}

function pendingSection(r: ApiResult, serials: Map<string, string>, now: number): SafeHtml {
  const rows = r.ok ? list(r.data) : [];
  return html`<section aria-labelledby="h-pending" data-pending-revocations="${rows.length}"><h2 id="h-pending">Not yet received by the key safe</h2>
  ${
    r.ok
      ? html`<p class="muted">Blocks, withdrawn codes and clock settings wait here until the key safe is reached; until then an offline key safe still honours codes it already has.</p>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">Key safe</th><th scope="col">What</th><th scope="col">Waiting</th><th scope="col">State</th></tr></thead>
  <tbody>${
    rows.length > 0
      ? rows.map((c) => {
          const dev = str(c, 'deviceId') ?? '';
          const created = toMs(pick(c, 'createdAt'));
          return html`<tr><td class="mono"><a href="/app/devices/${seg(dev)}">${serials.get(dev) ?? dev}</a></td>
        <td data-label="What">${PURPOSE_LABEL[str(c, 'purpose') ?? ''] ?? str(c, 'purpose') ?? ''}</td>
        <td data-label="Waiting">${created !== undefined ? html`${duration(now - created)} <span class="muted">(since ${timeTag(created)})</span>` : '—'}</td>
        <td data-label="State">${str(c, 'status') === 'sent' ? 'Sent, no answer yet' : html`<strong class="text-bad">Not delivered</strong>`}</td></tr>`;
        })
      : emptyRow(4, 'Every key safe has received everything.')
  }</tbody></table></div>`
      : notAvailable('pending revocations', r)
  }
</section>`;
}

function clockSection(r: ApiResult, addresses: Map<string, string>): SafeHtml {
  const safes = r.ok ? list(r.data) : [];
  const drifting = safes.filter((k) => pick(k, 'clockDrifting') === true).length;
  return html`<section aria-labelledby="h-clock"><h2 id="h-clock">Key safes and their clocks</h2>
  ${
    r.ok
      ? html`<p>${drifting > 0 ? html`<strong class="text-bad">${drifting} drifting</strong>` : 'No clock drifting'} — clocks are set only by the server, at most 4 minutes per step.</p>
  <div class="table-wrap"><table class="list"><thead><tr><th scope="col">Key safe</th><th scope="col">Home</th><th scope="col">Link</th><th scope="col">Clock</th><th scope="col">Waiting</th></tr></thead>
  <tbody>${
    safes.length > 0
      ? safes.map((k) => {
          const off = num(k, 'clockOffsetMs');
          const homeId = str(k, 'homeId');
          const clock =
            off === undefined
              ? html`<span class="muted">not reported</span>`
              : html`${pick(k, 'clockDrifting') === true ? html`<strong class="text-bad">⚠ drifting</strong> ` : ''}${off >= 0 ? '+' : '−'}${duration(Math.abs(off))} <span class="muted">(reported ${timeTag(toMs(pick(k, 'clockReportedAt')))})</span>`;
          return html`<tr data-keysafe="${str(k, 'deviceId') ?? ''}"><td class="mono"><a href="/app/devices/${seg(str(k, 'deviceId') ?? '')}">${str(k, 'serial') ?? ''}</a>${pick(k, 'blocked') === true ? html` <strong class="text-bad">blocked</strong>` : ''}</td>
        <td data-label="Home">${homeId ? html`<a href="/app/homes/${seg(homeId)}">${addresses.get(homeId) ?? homeId}</a>` : html`<span class="muted">—</span>`}</td>
        <td data-label="Link">${pick(k, 'online') === true ? html`<span class="badge state-online"><span aria-hidden="true">●</span> Online</span>` : html`<span class="badge state-offline"><span aria-hidden="true">✕</span> Offline</span>`}</td>
        <td data-label="Clock">${clock}</td>
        <td data-label="Waiting">${num(k, 'notYetReceived') ?? 0}</td></tr>`;
        })
      : emptyRow(5, 'No key safes registered.')
  }</tbody></table></div>`
      : notAvailable('key safes', r)
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
    title: 'Access',
    scripts: ['access.js'],
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body: html`${alertsSection(alerts, subjects)}${pendingSection(pending, serials, c.now)}${clockSection(keysafes, addresses)}`,
  };
}
