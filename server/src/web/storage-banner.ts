import { i18n, t } from '../i18n/index.js';
import type { Role } from '../store/repositories/index.js';
import type { StorageTrouble } from '../store/storage-health.js';
import { html, type SafeHtml } from './html.js';

/** Who is told on every page that the server cannot store: those who watch and answer alarms. */
const TOLD: readonly Role[] = ['admin', 'monitor', 'technician', 'care_worker'];

/**
 * The warning at the top of every page while the server's disk refuses writes
 * (`store/storage-health.ts`): new alarms cannot be stored, so the screens stop showing them; the
 * staff must call the operator. Inside the live region, so it appears and goes with the live updates.
 */
export function storageBanner(trouble: StorageTrouble | null | undefined, role: Role): SafeHtml | '' {
  if (!trouble || !TOLD.includes(role)) return '';
  const since = i18n().time(trouble.since);
  return html`<p class="notice notice-error" role="alert" data-storage="${trouble.reason}">${t(`storage.${trouble.reason}`, { since })}</p>`;
}
