import { type MessageKey, t } from '../../i18n/index.js';
import { emptyRow, notAvailable } from '../components.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, str } from '../read.js';
import { registryControls, says, statusName, statusOptions, typeName } from './registry-forms.js';

const col = (k: string) => t(`registry.col.${k}` as MessageKey);
const f = (k: string) => t(`registry.field.${k}` as MessageKey);
const head = (keys: string[]) =>
  html`<thead><tr>${keys.map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>`;
const homeLabel = (h: Json) => [str(h, 'address'), str(h, 'city')].filter(Boolean).join(', ');

function clientRow(c: Json, homes: Json[]): SafeHtml {
  const id = str(c, 'id') ?? '';
  const own = homes.filter((h) => str(h, 'clientId') === id);
  return html`<tr data-client="${str(c, 'name') ?? ''}">
<td>${str(c, 'name') ?? '?'}</td>
<td data-label="${col('phone')}">${str(c, 'phone') ?? ''}</td>
<td data-label="${col('homes')}">${own.length}</td>
<td data-label="${col('actions')}"><details><summary>${t('registry.addHome')}</summary>
<form class="stack-form" data-api="/api/v1/homes" data-method="POST"${says()} data-home-create>
  <input type="hidden" name="clientId" value="${id}">
  <label>${f('address')} <input name="address" required maxlength="300" autocomplete="off"></label>
  <label>${f('postalCode')} <input name="postalCode" maxlength="20" autocomplete="off"></label>
  <label>${f('city')} <input name="city" maxlength="100" autocomplete="off"></label>
  <label>${f('region')} <input name="region" maxlength="100" autocomplete="off"></label>
  <label>${f('accessProcedure')} <textarea name="accessProcedure" maxlength="2000" rows="2"></textarea></label>
  <button type="submit" class="btn btn-primary">${t('registry.addHome')}</button>
</form></details></td></tr>`;
}

function homeRow(h: Json, clients: Json[], devices: Json[]): SafeHtml {
  const id = str(h, 'id') ?? '';
  const client = clients.find((c) => str(c, 'id') === str(h, 'clientId'));
  const here = devices.filter((d) => str(d, 'homeId') === id);
  return html`<tr data-home="${str(h, 'address') ?? ''}">
<td><a href="/app/homes/${seg(id)}">${homeLabel(h)}</a></td>
<td data-label="${col('client')}">${str(client, 'name') ?? ''}</td>
<td data-label="${col('devices')}">${here.map((d) => html`<code>${str(d, 'serial') ?? '?'}</code> `)}</td>
<td data-label="${col('actions')}"><button type="button" class="btn btn-secondary" data-token-home="${id}" data-address="${homeLabel(h)}">${t('registry.token.get')}</button></td>
</tr>`;
}

function deviceRow(d: Json, homes: Json[]): SafeHtml {
  const id = str(d, 'id') ?? '';
  const home = homes.find((h) => str(h, 'id') === str(d, 'homeId'));
  const api = `/api/v1/devices/${seg(id)}`;
  return html`<tr data-device="${str(d, 'serial') ?? ''}">
<td><a href="/app/devices/${seg(id)}"><code>${str(d, 'serial') ?? '?'}</code></a></td>
<td data-label="${col('type')}">${typeName(str(d, 'type'))}</td>
<td data-label="${col('status')}" data-device-status>${statusName(str(d, 'status'))}</td>
<td data-label="${col('home')}" data-device-home>${home ? homeLabel(home) : ''}</td>
<td data-label="${col('actions')}"><details><summary>${col('actions')}</summary>
<form class="inline-form" data-api="${api}" data-method="PATCH"${says()} data-device-install>
  <label>${f('home')} <select name="homeId" required><option value="">—</option>${homes.map((h) => html`<option value="${str(h, 'id') ?? ''}">${homeLabel(h)}</option>`)}</select></label>
  <label>${f('installDate')} <input type="date" name="installDate"></label>
  <button type="submit" class="btn btn-secondary">${t('registry.install')}</button>
</form>
<form class="inline-form" data-api="${api}/status" data-method="POST"${says()} data-keep data-device-status-form>
  <label>${f('status')} <select name="status">${statusOptions(str(d, 'status'))}</select></label>
  <button type="submit" class="btn btn-secondary">${t('registry.setStatus')}</button>
</form></details></td></tr>`;
}

function table(what: string, attr: string, cols: string[], rows: SafeHtml[], none: string): SafeHtml {
  return html`<div class="table-wrap"><table class="list" ${attr}><caption class="visually-hidden">${what}</caption>
${head(cols)}<tbody>${rows.length === 0 ? emptyRow(cols.length, none) : rows}</tbody></table></div>`;
}

/** The registry for admins and technicians: clients, homes, devices, enrolment tokens, import/export. */
export async function registryPage(c: PageContext): Promise<PageResult> {
  const [clients, homes, devices] = await Promise.all([
    c.api.get('/api/v1/clients', { limit: 500 }),
    c.api.get('/api/v1/homes', { limit: 500 }),
    c.api.get('/api/v1/devices', { limit: 500 }),
  ]);
  const cs = clients.ok ? list(clients.data) : [];
  const hs = homes.ok ? list(homes.data) : [];
  const ds = devices.ok ? list(devices.data) : [];
  const section = (key: 'clients' | 'homes' | 'devices', inner: SafeHtml) =>
    html`<section aria-labelledby="registry-${key}-h"><h2 id="registry-${key}-h">${t(`registry.${key}`)}</h2>${inner}</section>`;
  const body = html`<datalist id="registry-homes">${hs.map((h) => html`<option value="${str(h, 'id') ?? ''}">${homeLabel(h)}</option>`)}</datalist>
${section(
  'clients',
  clients.ok
    ? table(
        t('registry.clients'),
        'data-clients',
        ['name', 'phone', 'homes', 'actions'],
        cs.map((x) => clientRow(x, hs)),
        t('registry.noClients'),
      )
    : notAvailable(t('registry.clients'), clients),
)}
${section(
  'homes',
  homes.ok
    ? table(
        t('registry.homes'),
        'data-homes',
        ['address', 'client', 'devices', 'actions'],
        hs.map((h) => homeRow(h, cs, ds)),
        t('registry.noHomes'),
      )
    : notAvailable(t('registry.homes'), homes),
)}
${section(
  'devices',
  devices.ok
    ? table(
        t('registry.devices'),
        'data-devices',
        ['serial', 'type', 'status', 'home', 'actions'],
        ds.map((d) => deviceRow(d, hs)),
        t('registry.noDevices'),
      )
    : notAvailable(t('registry.devices'), devices),
)}`;
  return {
    title: t('registry.title'),
    controls: registryControls(c.app.baken.config.http.publicUrl ?? ''),
    body,
    scripts: ['forms.js', 'registry.js'],
  };
}
