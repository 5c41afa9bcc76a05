import { i18n, type MessageKey, t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { duration } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, obj, str } from '../read.js';

const COLS = [
  ['asked', 'reports.fu.asked'],
  ['accepted', 'reports.fu.accepted'],
  ['noAnswer', 'reports.fu.noAnswer'],
  ['declined', 'reports.fu.declined'],
] as const;

const n = (v: unknown) => i18n().number(typeof v === 'number' ? v : 0, 0);

/**
 * The follow-up chain part of the reports page (`GET /api/v1/reports/followup`,
 * server/src/modules/followup/README.md): who was asked and who accepted, per kind of responder,
 * how many alarms reached the alarm centre and what its link did with them.
 */
export async function followupSection(
  c: PageContext,
  range: { since: number; until: number },
  period: { from: string; to: string },
): Promise<SafeHtml> {
  const r = await c.api.get('/api/v1/reports/followup', {
    since: String(range.since),
    until: String(range.until),
  });
  const body = !r.ok
    ? notAvailable(t('reports.fu.what'), r)
    : (() => {
        const rows = list(r.data, 'rows');
        const centre = obj(obj(r.data)['alarmCentre']);
        const median = num(centre, 'medianHandToAckMs');
        const table =
          rows.length === 0
            ? html`<p class="muted">${t('reports.noData')}</p>`
            : html`<div class="table-wrap"><table class="list" data-report="followup"><caption class="visually-hidden">${t('reports.fu.what')}</caption>
  <thead><tr><th scope="col">${t('reports.fu.responder')}</th>${COLS.map(([, k]) => html`<th scope="col">${t(k)}</th>`)}<th scope="col">${t('reports.fu.medianAskToAccept')}</th></tr></thead>
  <tbody>${rows.map((row: Json) => {
    const m = num(row, 'medianAskToAcceptMs');
    return html`<tr data-responder="${str(row, 'responder') ?? ''}"><td>${t(`reports.fu.responder.${str(row, 'responder')}` as MessageKey)}</td>${COLS.map(([k, label]) => html`<td data-label="${t(label)}">${n(obj(row)[k])}</td>`)}<td data-label="${t('reports.fu.medianAskToAccept')}">${m === undefined ? '—' : duration(m)}</td></tr>`;
  })}</tbody></table></div>`;
        return html`<ul data-report="followup-centre">
  <li>${t('reports.fu.alarms', { count: n(obj(r.data)['alarms']) })}</li>
  <li>${t('reports.fu.onSite', { count: n(obj(r.data)['onSiteWithinTarget']) })}</li>
  <li>${t('reports.fu.centre', { count: n(obj(r.data)['handedToCentre']) })}</li>
  <li>${t('reports.fu.centreLink', {
    sent: n(centre['sent']),
    acknowledged: n(centre['acknowledged']),
    refused: n(centre['refused']),
    failovers: n(centre['failovers']),
    noLink: n(centre['noLink']),
  })}</li>
  ${median === undefined ? '' : html`<li>${t('reports.fu.medianToAck', { time: duration(median) })}</li>`}
</ul>
${table}`;
      })();
  return html`<section aria-labelledby="h-followup"><h2 id="h-followup">${t('reports.fu.heading', period)}</h2>
  ${body}
</section>`;
}
