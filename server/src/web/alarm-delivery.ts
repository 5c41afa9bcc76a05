import { t } from '../i18n/index.js';
import type { ApiClient } from './api-client.js';
import { timeTag, toMs } from './format.js';
import { html, type SafeHtml } from './html.js';
import { th } from './i18n-html.js';
import { type Json, list, num, pick, str } from './read.js';

/**
 * The alarm's delivery to the home's alarm centre [docs/alarm-centre.md §Dashboard]: delivered only
 * on the centre's ACK; until then it is pending (with its tries), or refused (DUH) and needs a call.
 */
export function deliveryLine(d: Json): SafeHtml | '' {
  const state = str(d, 'state');
  if (state === undefined) return '';
  if (state === 'delivered')
    return html`<p class="meta centre-delivery" data-delivery-state="delivered"><span aria-hidden="true">✓ </span>${th('centre.delivered', { when: timeTag(toMs(pick(d, 'deliveredAt'))) })}</p>`;
  if (state === 'refused')
    return html`<p class="meta centre-delivery centre-delivery-refused" data-delivery-state="refused" role="alert"><span aria-hidden="true">⚠ </span>${t('centre.refused')}</p>`;
  const tries = num(d, 'attempts') ?? 0;
  const when = timeTag(toMs(pick(d, 'createdAt')));
  const text =
    tries > 0
      ? th('centre.pendingTries', { tries, error: str(d, 'lastError') ?? '?', when })
      : th('centre.pending', { when });
  return html`<p class="meta centre-delivery centre-delivery-pending" data-delivery-state="pending"><span aria-hidden="true">○ </span>${text}</p>`;
}

/**
 * Adds `centreDelivery` to each alarm that caused a message for the alarm centre. Roles that may
 * not read deliveries, or an API without them, leave the alarms as they were.
 */
export async function withDeliveries(api: ApiClient, alarms: Json[]): Promise<Json[]> {
  const ids = alarms.map((a) => str(a, 'eventId')).filter((x): x is string => x !== undefined);
  if (ids.length === 0) return alarms;
  const qs = ids.map((id) => `eventId=${encodeURIComponent(id)}`).join('&');
  const r = await api.get(`/api/v1/alarm-centre/deliveries?${qs}`);
  if (!r.ok) return alarms;
  const byEvent = new Map(list(r.data).map((d) => [str(d, 'eventId'), d]));
  return alarms.map((a) => {
    const d = byEvent.get(str(a, 'eventId'));
    return d === undefined ? a : { ...(a as object), centreDelivery: d };
  });
}
