import type { ApiResult } from '../api-client.js';
import { notAvailable } from '../components.js';
import { duration } from '../format.js';
import { type HomeLabel, homeLabels } from '../home-labels.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, obj, str } from '../read.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const HEADINGS: Record<string, string> = {
  incidents: 'Incidents',
  downtimeMs: 'Downtime',
  longestMs: 'Longest incident',
  alarms: 'Alarms',
  acknowledged: 'Acknowledged',
  onSite: 'On site',
  medianAckMs: 'Median time to acknowledge',
  medianOnSiteMs: 'Median time to on site',
  onSiteWithinTarget: 'On site within 30 min',
};

/**
 * Report rows as a table; columns from the first row (the report shapes belong to the API).
 * `…Ms` columns read as durations; the `key` column names the home (address) or region.
 */
function rowsTable(caption: string, r: ApiResult, groupBy: string, labels: Map<string, HomeLabel>): SafeHtml {
  if (!r.ok) return notAvailable(caption, r);
  const rows = list(r.data, 'rows');
  const first = rows[0];
  if (first === undefined) return html`<p class="muted">No data for this period.</p>`;
  const cols = Object.keys(obj(first)).filter((k) => {
    const v = obj(first)[k];
    return v === null || typeof v !== 'object';
  });
  const cell = (row: Json, k: string): SafeHtml | string => {
    const v = obj(row)[k];
    if (k === 'key' && typeof v === 'string') {
      if (groupBy !== 'home') return v || '(no region)';
      return html`<a href="/app/homes/${seg(v)}">${labels.get(v)?.address ?? v}</a>`;
    }
    if (v === null || v === undefined) return '—';
    if (k.endsWith('Ms') && typeof v === 'number') return duration(v);
    if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(2);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return String(v);
  };
  const heading = (k: string) =>
    k === 'key' ? (groupBy === 'home' ? 'Home' : 'Region') : (HEADINGS[k] ?? k);
  return html`<div class="table-wrap"><table class="list"><caption class="visually-hidden">${caption}</caption>
  <thead><tr>${cols.map((k) => html`<th scope="col">${heading(k)}</th>`)}</tr></thead>
  <tbody>${rows.map((row) => html`<tr>${cols.map((k, i) => html`<td${i > 0 ? html` data-label="${heading(k)}"` : ''}>${cell(row, k)}</td>`)}</tr>`)}</tbody></table></div>`;
}

/** Reports (REQUIREMENTS §9.4): downtime and alarm response per period, per home or region, as CSV too. */
export async function reportsPage(c: PageContext): Promise<PageResult> {
  const today = new Date(c.now).toISOString().slice(0, 10);
  const monthAgo = new Date(c.now - 30 * 86_400_000).toISOString().slice(0, 10);
  const from = DATE.test(c.query['from'] ?? '') ? c.query['from']! : monthAgo;
  const to = DATE.test(c.query['to'] ?? '') ? c.query['to']! : today;
  const groupBy = c.query['groupBy'] === 'region' ? 'region' : 'home';
  // The API takes epoch ms over [from, to): the "to" day is included.
  const q = {
    from: String(Date.parse(`${from}T00:00:00Z`)),
    to: String(Date.parse(`${to}T00:00:00Z`) + 86_400_000),
    groupBy,
  };
  const [downtime, alarms] = await Promise.all([
    c.api.get('/api/v1/reports/downtime', { ...q, format: 'json' }),
    c.api.get('/api/v1/reports/alarms', { ...q, format: 'json' }),
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
    `/api/v1/reports/${kind}?${new URLSearchParams({ ...q, format: 'csv' }).toString()}`;
  return {
    title: 'Reports',
    controls: html`<form class="filters" method="get" action="/app/reports">
  <label>From <input type="date" name="from" value="${from}" required></label>
  <label>To <input type="date" name="to" value="${to}" required></label>
  <label>Per <select name="groupBy"><option value="home"${groupBy === 'home' ? html` selected` : ''}>home</option><option value="region"${groupBy === 'region' ? html` selected` : ''}>region</option></select></label>
  <button class="btn" type="submit">Show</button>
</form>`,
    body: html`<section aria-labelledby="h-down"><h2 id="h-down">Downtime per ${groupBy}, ${from} to ${to}</h2>
  ${downtime.ok ? html`<p><a class="btn" href="${csv('downtime')}" download>Download CSV</a></p>` : ''}
  ${rowsTable('Downtime report', downtime, groupBy, labels)}
</section>
<section aria-labelledby="h-alarm"><h2 id="h-alarm">Alarm response per ${groupBy}, ${from} to ${to}</h2>
  ${alarms.ok ? html`<p><a class="btn" href="${csv('alarms')}" download>Download CSV</a></p>` : ''}
  ${rowsTable('Alarm response report', alarms, groupBy, labels)}
</section>`,
  };
}
