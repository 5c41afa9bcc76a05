import { t } from '../i18n/index.js';
import type { ApiResult } from './api-client.js';
import { html, type SafeHtml } from './html.js';

/** Health states as the health API reports them; anything else is shown as unknown. */
export const STATES = ['online', 'stale', 'offline', 'unknown'] as const;
export type HealthState = (typeof STATES)[number];

const STATE_ICON: Record<HealthState, string> = { online: '●', stale: '◐', offline: '✕', unknown: '?' };

export function asState(v: unknown): HealthState {
  return STATES.includes(v as HealthState) ? (v as HealthState) : 'unknown';
}

/** A state badge: icon + word + colour, so it reads without colour too. */
export function stateBadge(v: unknown): SafeHtml {
  const s = asState(v);
  return html`<span class="badge state-${s}"><span aria-hidden="true">${STATE_ICON[s]}</span> ${t(`state.${s}`)}</span>`;
}

/** Why a block has no data: the route is not there yet, or the call failed. Never fake data. */
export function notAvailable(what: string, r: ApiResult): SafeHtml {
  if (r.ok) return html``;
  if (r.missing)
    return html`<p class="notice notice-unavailable" role="note"><strong>${t('common.notAvailable')}</strong> ${t('common.notAvailableText', { what })}</p>`;
  return html`<p class="notice notice-error" role="alert"><strong>${t('common.couldNotLoad', { what })}</strong> ${r.message}</p>`;
}

export function emptyRow(cols: number, text: string): SafeHtml {
  return html`<tr><td colspan="${cols}" class="muted">${text}</td></tr>`;
}

/** Previous/next links that keep the other query parameters. */
export function pager(
  path: string,
  query: Record<string, string | undefined>,
  offset: number,
  limit: number,
  shown: number,
  totalCount: number | undefined,
): SafeHtml {
  const link = (o: number) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) qs.set(k, v);
    qs.set('offset', String(o));
    return `${path}?${qs.toString()}`;
  };
  const hasNext = totalCount !== undefined ? offset + shown < totalCount : shown >= limit;
  const range =
    shown === 0
      ? t('common.showingNone')
      : totalCount !== undefined
        ? t('common.showingOf', { from: offset + 1, to: offset + shown, total: totalCount })
        : t('common.showing', { from: offset + 1, to: offset + shown });
  return html`<nav class="pager" aria-label="${t('common.pages')}">
    ${offset > 0 ? html`<a class="btn" href="${link(Math.max(0, offset - limit))}">${t('common.previous')}</a>` : html`<span></span>`}
    <span>${range}</span>
    ${hasNext ? html`<a class="btn" href="${link(offset + limit)}">${t('common.next')}</a>` : html`<span></span>`}
  </nav>`;
}
