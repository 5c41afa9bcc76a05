import { notAvailable } from '../components.js';
import { timeTag } from '../format.js';
import { html, type SafeHtml, seg } from '../html.js';
import type { PageResult } from '../layout.js';
import type { PageContext } from '../page-route.js';
import { type Json, list, num, obj, str } from '../read.js';

/** The unit states in the order a rollout moves through them (server/src/modules/updates/README.md). */
const COUNTS: ReadonlyArray<readonly [string, string]> = [
  ['pending', 'Waiting'],
  ['offered', 'Offered'],
  ['installing', 'Installing'],
  ['healthy', 'Healthy'],
  ['rolled_back', 'Rolled back'],
  ['failed', 'Failed'],
  ['refused', 'Refused'],
];

const STATE_LABEL: Record<string, string> = {
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  aborted: 'Aborted',
};

function actions(r: Json): SafeHtml {
  const id = str(r, 'id') ?? '';
  const state = str(r, 'state');
  const button = (action: string, label: string, cls: string) =>
    html`<button type="button" class="btn ${cls}" data-rollout-id="${id}" data-rollout-action="${action}">${label}</button>`;
  return html`${state === 'running' ? button('pause', 'Pause', 'btn-secondary') : ''}${
    state === 'paused' ? button('resume', 'Resume', 'btn-primary') : ''
  }${state === 'running' || state === 'paused' ? button('abort', 'Abort', 'btn-danger') : ''}`;
}

function rolloutSection(r: Json, detail: Json | null): SafeHtml {
  const counts = obj(obj(r)['counts']);
  const waves = list(r, 'waves').map((w) => `${String(w)} %`);
  const id = str(r, 'id') ?? '';
  const reason = str(r, 'pauseReason');
  const units = detail === null ? [] : list(detail, 'units');
  return html`<section class="card" aria-labelledby="ro-${id}" data-rollout="${id}">
<h3 id="ro-${id}">Release ${str(r, 'version') ?? '?'} <span class="badge" data-rollout-state>${STATE_LABEL[str(r, 'state') ?? ''] ?? str(r, 'state') ?? '?'}</span></h3>
<p>Wave <strong data-rollout-wave>${num(r, 'wave') ?? '?'}</strong> of ${waves.length} (${waves.join(' → ')}); pauses above ${num(r, 'maxFailurePct') ?? '?'} % failures. Started ${timeTag(num(r, 'createdAt'))}.</p>
${reason ? html`<p class="notice notice-warning" role="status" data-pause-reason><strong>Paused:</strong> ${reason}</p>` : ''}
<div class="table-wrap"><table class="list"><caption class="visually-hidden">Units per state</caption>
<thead><tr>${COUNTS.map(([, label]) => html`<th scope="col">${label}</th>`)}</tr></thead>
<tbody><tr>${COUNTS.map(([k, label]) => html`<td data-label="${label}" data-count="${k}">${num(counts, k) ?? 0}</td>`)}</tr></tbody></table></div>
<p class="actions">${actions(r)}</p>
${
  units.length === 0
    ? ''
    : html`<details><summary>Units (${units.length})</summary><div class="table-wrap"><table class="list"><caption class="visually-hidden">Units of rollout ${id}</caption>
<thead><tr><th scope="col">Home unit</th><th scope="col">Wave</th><th scope="col">State</th><th scope="col">Version</th><th scope="col">Reason</th><th scope="col">Updated</th></tr></thead>
<tbody>${units.map(
        (u) =>
          html`<tr data-unit="${str(u, 'gatewayId') ?? ''}"><td>${
            str(u, 'homeId')
              ? html`<a href="/app/homes/${seg(str(u, 'homeId') ?? '')}">${str(u, 'gatewayId') ?? '?'}</a>`
              : (str(u, 'gatewayId') ?? '?')
          }</td><td data-label="Wave">${num(u, 'wave') ?? '?'}</td><td data-label="State" data-unit-state>${
            COUNTS.find(([k]) => k === str(u, 'state'))?.[1] ?? str(u, 'state') ?? '?'
          }</td><td data-label="Version">${str(u, 'runningVersion') ?? '—'}</td><td data-label="Reason">${str(u, 'reason') ?? ''}</td><td data-label="Updated">${timeTag(num(u, 'updatedAt'))}</td></tr>`,
      )}</tbody></table></div></details>`
}
</section>`;
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
  const releaseTable = !releases.ok
    ? notAvailable('Releases', releases)
    : list(releases.data).length === 0
      ? html`<p class="muted">No release uploaded yet. Sign one offline (gateway/packaging/release-key.ts) and upload it with <code>POST /api/v1/updates/releases</code>.</p>`
      : html`<div class="table-wrap"><table class="list" data-releases><caption class="visually-hidden">Releases</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Architecture</th><th scope="col">Signed by key</th><th scope="col">Size</th><th scope="col">Uploaded</th></tr></thead>
<tbody>${list(releases.data).map(
          (r) =>
            html`<tr><td>${str(r, 'version') ?? '?'}</td><td data-label="Architecture">${str(r, 'arch') ?? '?'}</td><td data-label="Signed by key"><code>${str(r, 'keyId') ?? '?'}</code></td><td data-label="Size">${Math.round((num(r, 'size') ?? 0) / 1024)} KiB</td><td data-label="Uploaded">${timeTag(num(r, 'uploadedAt'))}</td></tr>`,
        )}</tbody></table></div>`;
  const body = html`<section aria-labelledby="releases-h"><h2 id="releases-h">Releases</h2>${releaseTable}</section>
<section aria-labelledby="rollouts-h"><h2 id="rollouts-h">Rollouts</h2>${
    !rollouts.ok
      ? notAvailable('Rollouts', rollouts)
      : shown.length === 0
        ? html`<p class="muted">No rollout yet.</p>`
        : shown.map((r, i) => rolloutSection(r, details[i] ?? null))
  }</section>`;
  return {
    title: 'Gateway updates',
    controls: html`<p id="action-status" class="notice" role="status" hidden></p>`,
    body,
    scripts: ['updates.js'],
  };
}
