import { type MessageKey, t } from '../../i18n/index.js';
import { html, type SafeHtml } from '../html.js';
import { type Json, num, str } from '../read.js';
import { says } from './access-admin-common.js';

/** Every whole-number access setting with its bounds (server/src/modules/access/settings.ts). */
const NUMBERS: ReadonlyArray<readonly [key: string, min: number, max: number]> = [
  ['codeValidityMinutes', 5, 240],
  ['remoteUnlockSeconds', 3, 60],
  ['maxRequestsPerWindow', 1, 100],
  ['rateWindowMinutes', 1, 1440],
  ['refusalAlertThreshold', 1, 100],
  ['wrongCodeAlertThreshold', 1, 100],
  ['alertWindowMinutes', 1, 1440],
  ['retentionDays', 30, 3650],
  ['driftWarnSeconds', 5, 3600],
  ['pinConfirmSeconds', 1, 30],
  ['reviewIntervalDays', 1, 730],
];

/** The access settings as one form; the API replaces them all at once (PUT). */
export function settingsSection(settings: Json): SafeHtml {
  const label = (k: string) => t(`accessAdmin.setting.${k}` as MessageKey);
  return html`<section aria-labelledby="settings-h" data-section="settings"><h2 id="settings-h">${t('accessAdmin.settings')}</h2>
<form class="stack-form" data-api="/api/v1/access/settings" data-method="PUT"${says()} data-keep data-settings>
${NUMBERS.map(
  ([k, min, max]) =>
    html`<label>${label(k)} <input name="${k}" type="number" data-type="int" min="${min}" max="${max}" required value="${num(settings, k) ?? ''}"></label>`,
)}
  <label>${label('timeZone')} <input name="timeZone" required maxlength="64" value="${str(settings, 'timeZone') ?? ''}" autocomplete="off"></label>
  <button type="submit" class="btn btn-primary">${t('accessAdmin.saveSettings')}</button>
</form></section>`;
}
