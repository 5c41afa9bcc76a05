import { i18n, type MessageKey, t } from '../../i18n/index.js';
import { DEVICE_STATUSES, DEVICE_TYPES } from '../../store/repositories/index.js';
import { html, type SafeHtml } from '../html.js';

// The forms of the Registry page that survive a live refresh (the page's `controls`): register a
// client or a device, the enrolment token panel, export links and the import form with its report.

/** What every API form and button on the Registry page says on success and failure (forms.js). */
export const says = () => html` data-ok="${t('registry.ok')}" data-fail="${t('registry.fail')}"`;

export const typeName = (v: string | undefined): string =>
  (DEVICE_TYPES as readonly string[]).includes(v ?? '') ? t(`device.${v}` as MessageKey) : (v ?? '?');
export const statusName = (v: string | undefined): string =>
  (DEVICE_STATUSES as readonly string[]).includes(v ?? '') ? t(`lifecycle.${v}` as MessageKey) : (v ?? '?');

export const statusOptions = (current = 'in_stock'): SafeHtml =>
  html`${DEVICE_STATUSES.map((s) => html`<option value="${s}"${s === current ? html` selected` : ''}>${statusName(s)}</option>`)}`;

const f = (k: string) => t(`registry.field.${k}` as MessageKey);

function clientForm(): SafeHtml {
  return html`<details class="card" data-registry-new-client><summary><strong>${t('registry.addClient')}</strong></summary>
<form class="stack-form" data-api="/api/v1/clients" data-method="POST"${says()} data-client-create>
  <label>${f('name')} <input name="name" required maxlength="200" autocomplete="off"></label>
  <label>${f('phone')} <input name="phone" type="tel" maxlength="40" autocomplete="off"></label>
  <label>${f('notes')} <textarea name="notes" maxlength="4000" rows="2"></textarea></label>
  <button type="submit" class="btn btn-primary">${t('registry.addClient')}</button>
</form></details>`;
}

/** The home choice is filled from the live region's `#registry-homes` list by registry.js. */
function deviceForm(): SafeHtml {
  return html`<details class="card" data-registry-new-device><summary><strong>${t('registry.addDevice')}</strong></summary>
<form class="stack-form" data-api="/api/v1/devices" data-method="POST"${says()} data-device-create>
  <label>${f('serial')} <input name="serial" required maxlength="64" pattern="[A-Za-z0-9._:\\-]+" autocomplete="off"></label>
  <label>${f('type')} <select name="type">${DEVICE_TYPES.map((d) => html`<option value="${d}">${typeName(d)}</option>`)}</select></label>
  <label>${f('model')} <input name="model" maxlength="100" autocomplete="off"></label>
  <label>${f('firmware')} <input name="firmware" maxlength="64" autocomplete="off"></label>
  <label>${f('home')} <select name="homeId" data-options="registry-homes"><option value="">${f('noHome')}</option></select></label>
  <label>${f('status')} <select name="status">${statusOptions()}</select></label>
  <label>${f('installDate')} <input type="date" name="installDate"></label>
  <button type="submit" class="btn btn-primary">${t('registry.addDevice')}</button>
</form></details>`;
}

/** Filled by registry.js with the token just issued: shown once, never stored in the page. */
function tokenPanel(serverUrl: string): SafeHtml {
  return html`<section id="registry-token" class="card" hidden data-server="${serverUrl}" data-fail="${t('registry.fail')}" data-time-zone="${i18n().timeZone}"
 data-title="${t('registry.token.title', { address: '{address}' })}" data-once="${t('registry.token.once', { expires: '{expires}' })}">
<h2 data-token-title></h2><p data-token-once></p>
<pre class="command"><code data-token-command></code></pre>
</section>`;
}

function exchange(): SafeHtml {
  const modes = html` data-mode-dry="${t('registry.import.modeDry')}" data-mode-applied="${t('registry.import.modeApplied')}" data-mode-refused="${t('registry.import.modeRefused')}"`;
  const summary = t('registry.import.summary', {
    mode: '{mode}',
    rows: '{rows}',
    created: '{created}',
    updated: '{updated}',
    unchanged: '{unchanged}',
    errors: '{errors}',
  });
  return html`<details class="card" data-registry-exchange><summary><strong>${t('registry.exchange')}</strong></summary>
<p>${t('registry.export')} <a href="/api/v1/export/devices.csv" download data-export-csv>${t('registry.export.csv')}</a> ·
<a href="/api/v1/export/devices.json" download data-export-json>${t('registry.export.json')}</a></p>
<form class="stack-form" id="registry-import" data-fail="${t('registry.fail')}" data-summary="${summary}"${modes}
 data-row="${t('registry.import.row', { row: '{row}', serial: '{serial}' })}">
  <p><strong>${t('registry.import')}</strong><br><small class="muted">${t('registry.import.hint')}</small></p>
  <label>${t('registry.import.file')} <input type="file" name="file" accept=".csv,.json,text/csv,application/json" required></label>
  <label><input type="checkbox" name="dryRun" checked> ${t('registry.import.dryRun')}</label>
  <button type="submit" class="btn btn-primary">${t('registry.import.send')}</button>
</form>
<section id="registry-import-report" hidden aria-live="polite"><h3>${t('registry.import.report')}</h3>
<p data-import-summary></p><ul data-import-errors></ul></section>
</details>`;
}

export function registryControls(serverUrl: string): SafeHtml {
  return html`<p id="action-status" class="notice" role="status" hidden></p>${tokenPanel(serverUrl)}
<div class="registry-forms">${clientForm()}${deviceForm()}${exchange()}</div>`;
}
