import { type MessageKey, t } from '../../i18n/index.js';
import { notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import { th } from '../i18n-html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, obj, str } from '../read.js';

/** The unit states in the order a rollout moves through them (server/src/modules/updates/README.md). */
const UNIT_STATES = [
  'pending',
  'offered',
  'installing',
  'healthy',
  'rolled_back',
  'failed',
  'refused',
] as const;
const unitState = (s: string | undefined): string =>
  (UNIT_STATES as readonly string[]).includes(s ?? '') ? t(`updates.unit.${s}` as MessageKey) : (s ?? '?');
const rolloutState = (s: string | undefined): string =>
  ['running', 'paused', 'completed', 'aborted'].includes(s ?? '')
    ? t(`updates.rollout.${s}` as MessageKey)
    : (s ?? '?');

function actions(r: Json): SafeHtml {
  const id = str(r, 'id') ?? '';
  const state = str(r, 'state');
  const button = (action: 'pause' | 'resume' | 'abort', cls: string) =>
    html`<button type="button" class="btn ${cls}" data-rollout-id="${id}" data-rollout-action="${action}">${t(`updates.${action}`)}</button>`;
  return html`${state === 'running' ? button('pause', 'btn-secondary') : ''}${
    state === 'paused' ? button('resume', 'btn-primary') : ''
  }${state === 'running' || state === 'paused' ? button('abort', 'btn-danger') : ''}`;
}

function unitsTable(id: string, units: Json[]): SafeHtml {
  if (units.length === 0) return html``;
  const col = (k: string) => t(`updates.col.${k}` as MessageKey);
  return html`<details><summary>${t('updates.units', { count: units.length })}</summary><div class="table-wrap"><table class="list"><caption class="visually-hidden">${t('updates.unitsOf', { id })}</caption>
<thead><tr>${['unit', 'wave', 'state', 'version', 'reason', 'updated'].map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${units.map((u) => {
    const gw = str(u, 'gatewayId') ?? '?';
    const home = str(u, 'homeId');
    return html`<tr data-unit="${gw}"><td>${home ? html`<a href="/app/homes/${seg(home)}">${gw}</a>` : gw}</td><td data-label="${col('wave')}">${num(u, 'wave') ?? '?'}</td><td data-label="${col('state')}" data-unit-state>${unitState(str(u, 'state'))}</td><td data-label="${col('version')}">${str(u, 'runningVersion') ?? '—'}</td><td data-label="${col('reason')}">${str(u, 'reason') ?? ''}</td><td data-label="${col('updated')}">${timeTag(num(u, 'updatedAt'))}</td></tr>`;
  })}</tbody></table></div></details>`;
}

function rolloutSection(r: Json, detail: Json | null): SafeHtml {
  const counts = obj(obj(r)['counts']);
  const waves = list(r, 'waves').map((w) => `${String(w)} %`);
  const id = str(r, 'id') ?? '';
  const reason = str(r, 'pauseReason');
  return html`<section class="card" aria-labelledby="ro-${id}" data-rollout="${id}">
<h3 id="ro-${id}">${t('updates.release', { version: str(r, 'version') ?? '?' })} <span class="badge" data-rollout-state>${rolloutState(str(r, 'state'))}</span></h3>
<p>${th('updates.summary', {
    wave: html`<strong data-rollout-wave>${num(r, 'wave') ?? '?'}</strong>`,
    waves: waves.length,
    steps: waves.join(' → '),
    max: num(r, 'maxFailurePct') ?? 0,
    when: timeTag(num(r, 'createdAt')),
  })}</p>
${reason ? html`<p class="notice notice-warning" role="status" data-pause-reason><strong>${t('updates.paused')}</strong> ${reason}</p>` : ''}
<div class="table-wrap"><table class="list"><caption class="visually-hidden">${t('updates.perState')}</caption>
<thead><tr>${UNIT_STATES.map((k) => html`<th scope="col">${unitState(k)}</th>`)}</tr></thead>
<tbody><tr>${UNIT_STATES.map((k) => html`<td data-label="${unitState(k)}" data-count="${k}">${num(counts, k) ?? 0}</td>`)}</tr></tbody></table></div>
<p class="actions">${actions(r)}</p>
${unitsTable(id, detail === null ? [] : list(detail, 'units'))}
</section>`;
}

function releasesTable(releases: Json[]): SafeHtml {
  if (releases.length === 0)
    return html`<p class="muted">${th('updates.noReleases', { api: html`<code>POST /api/v1/updates/releases</code>` })}</p>`;
  const col = (k: string) => t(`updates.col.${k}` as MessageKey);
  return html`<div class="table-wrap"><table class="list" data-releases><caption class="visually-hidden">${t('updates.releases')}</caption>
<thead><tr>${['version', 'arch', 'key', 'size', 'uploaded'].map((k) => html`<th scope="col">${col(k)}</th>`)}</tr></thead>
<tbody>${releases.map(
    (r) =>
      html`<tr><td>${str(r, 'version') ?? '?'}</td><td data-label="${col('arch')}">${str(r, 'arch') ?? '?'}</td><td data-label="${col('key')}"><code>${str(r, 'keyId') ?? '?'}</code></td><td data-label="${col('size')}">${t('updates.sizeKiB', { kib: Math.ceil((num(r, 'size') ?? 0) / 1024) })}</td><td data-label="${col('uploaded')}">${timeTag(num(r, 'uploadedAt'))}</td></tr>`,
  )}</tbody></table></div>`;
}

/** Gateway updates (server/src/modules/updates/README.md): releases, rollouts, each unit's state. */
export async function updatesPage(c: PageContext): Promise<PageResult> {
  const [releases, rollouts] = await Promise.all([
    c.api.get('/api/v1/updates/releases'),
    c.api.get('/api/v1/updates/rollouts'),
  ]);
  const shown = rollouts.ok ? list(rollouts.data).slice(0, 20) : [];
  const details = await Promise.all(
    shown.map(async (r) => {
      const d = await c.api.get(`/api/v1/updates/rollouts/${encodeURIComponent(str(r, 'id') ?? '')}`);
      return d.ok ? d.data : null;
    }),
  );
  const body = html`<section aria-labelledby="releases-h"><h2 id="releases-h">${t('updates.releases')}</h2>${
    releases.ok ? releasesTable(list(releases.data)) : notAvailable(t('updates.releases'), releases)
  }</section>
<section aria-labelledby="rollouts-h"><h2 id="rollouts-h">${t('updates.rollouts')}</h2>${
    !rollouts.ok
      ? notAvailable(t('updates.rollouts'), rollouts)
      : shown.length === 0
        ? html`<p class="muted">${t('updates.noRollouts')}</p>`
        : shown.map((r, i) => rolloutSection(r, details[i] ?? null))
  }</section>`;
  return {
    title: t('updates.title'),
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body,
    scripts: ['updates.js'],
  };
}
