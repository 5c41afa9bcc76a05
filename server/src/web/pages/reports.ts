import { i18n, t, word } from '../../i18n/index.js';
import { isIsoDay, nextDay, startOfLocalDay } from '../../i18n/local-day.js';
import type { ApiResult } from '../api-client.js';
import { notAvailable } from '../components.js';
import { duration } from '../format.js';
import { type HomeLabel, homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, obj, str } from '../read.js';
import { followupSection } from './reports-followup.js';

/** Column headings are the CSV's (`csv.<column>` in the catalogues). */
const heading = (k: string, groupBy: string): string =>
  k === 'key' ? t(groupBy === 'home' ? 'csv.key.home' : 'csv.key.region') : word('csv', k);

/**
 * Report rows as a table; columns from the first row (the report shapes belong to the API).
 * `…Ms` columns read as durations; the `key` column names the home (address) or region.
 */
function rowsTable(caption: string, r: ApiResult, groupBy: string, labels: Map<string, HomeLabel>): SafeHtml {
  if (!r.ok) return notAvailable(caption, r);
  const rows = list(r.data, 'rows');
  const first = rows[0];
  if (first === undefined) return html`<p class="muted">${t('reports.noData')}</p>`;
  const cols = Object.keys(obj(first)).filter((k) => {
    const v = obj(first)[k];
    return v === null || typeof v !== 'object';
  });
  const cell = (row: Json, k: string): SafeHtml | string => {
    const v = obj(row)[k];
    if (k === 'key' && typeof v === 'string') {
      if (groupBy !== 'home') return v && v !== '(none)' ? v : t('reports.noRegion');
      return html`<a href="/app/homes/${seg(v)}">${labels.get(v)?.address ?? v}</a>`;
    }
    if (v === null || v === undefined) return '—';
    if (k.endsWith('Ms') && typeof v === 'number') return duration(v);
    if (typeof v === 'number') return i18n().number(v, 2);
    if (typeof v === 'boolean') return t(v ? 'reports.yes' : 'reports.no');
    return String(v);
  };
  return html`<div class="table-wrap"><table class="list"><caption class="visually-hidden">${caption}</caption>
  <thead><tr>${cols.map((k) => html`<th scope="col">${heading(k, groupBy)}</th>`)}</tr></thead>
  <tbody>${rows.map((row) => html`<tr>${cols.map((k, i) => html`<td${i > 0 ? html` data-label="${heading(k, groupBy)}"` : ''}>${cell(row, k)}</td>`)}</tr>`)}</tbody></table></div>`;
}

/** Reports (REQUIREMENTS §9.4): downtime and alarm response per period, per home or region, as CSV too. */
export async function reportsPage(c: PageContext): Promise<PageResult> {
  const tz = c.i18n.timeZone;
  const today = c.i18n.isoDay(c.now);
  const monthAgo = c.i18n.isoDay(c.now - 30 * 86_400_000);
  const from = isIsoDay(c.query['from'] ?? '') ? c.query['from']! : monthAgo;
  let to = isIsoDay(c.query['to'] ?? '') ? c.query['to']! : today;
  if (to < from) to = from;
  const groupBy = c.query['groupBy'] === 'region' ? 'region' : 'home';
  // The API takes epoch ms over [from, to): from local midnight of the first day to local
  // midnight after the last (a DST day has 23 or 25 hours).
  const q = {
    from: String(startOfLocalDay(from, tz)),
    to: String(startOfLocalDay(nextDay(to), tz)),
    groupBy,
  };
  const day = (d: string) => c.i18n.date(startOfLocalDay(d, tz) ?? 0);
  const [downtime, alarms, followup] = await Promise.all([
    c.api.get('/api/v1/reports/downtime', { ...q, format: 'json' }),
    c.api.get('/api/v1/reports/alarms', { ...q, format: 'json' }),
    followupSection(c, { since: Number(q.from), until: Number(q.to) }, { from: day(from), to: day(to) }),
  ]);
  const keys =
    groupBy === 'home'
      ? [
          ...(downtime.ok ? list(downtime.data, 'rows') : []),
          ...(alarms.ok ? list(alarms.data, 'rows') : []),
        ].map((row) => str(row, 'key'))
      : [];
  const labels = await homeLabels(c.api, keys);
  const csv = (kind: string) =>
    `/api/v1/reports/${kind}?${new URLSearchParams({ ...q, format: 'csv', lang: c.i18n.locale }).toString()}`;
  const period = { groupBy, from: day(from), to: day(to) };
  return {
    title: t('reports.title'),
    controls: html`<form class="filters" method="get" action="/app/reports">
  <label>${t('reports.from')} <input type="date" name="from" value="${from}" max="${today}" required></label>
  <label>${t('reports.to')} <input type="date" name="to" value="${to}" max="${today}" required></label>
  <label>${t('reports.per')} <select name="groupBy"><option value="home"${groupBy === 'home' ? html` selected` : ''}>${t('reports.perHome')}</option><option value="region"${groupBy === 'region' ? html` selected` : ''}>${t('reports.perRegion')}</option></select></label>
  <button class="btn" type="submit">${t('reports.show')}</button>
</form>
<p class="muted">${t('reports.localDays', { zone: tz })}</p>`,
    body: html`<section aria-labelledby="h-down"><h2 id="h-down">${t('reports.downtimeHeading', period)}</h2>
  ${downtime.ok ? html`<p><a class="btn" href="${csv('downtime')}" download>${t('reports.download')}</a></p>` : ''}
  ${rowsTable(t('reports.downtimeWhat'), downtime, groupBy, labels)}
</section>
<section aria-labelledby="h-alarm"><h2 id="h-alarm">${t('reports.alarmsHeading', period)}</h2>
  ${alarms.ok ? html`<p><a class="btn" href="${csv('alarms')}" download>${t('reports.download')}</a></p>` : ''}
  ${rowsTable(t('reports.alarmsWhat'), alarms, groupBy, labels)}
</section>
${followup}`,
  };
}
