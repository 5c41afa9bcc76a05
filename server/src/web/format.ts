import { i18n, t } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';

/**
 * `6 dec 2026 14:02` inside a `<time>`, in the request's language and the home's time zone
 * (Europe/Amsterdam by default); the machine-readable instant stays in `datetime`.
 */
export function timeTag(ms: number | undefined, fallback?: string): SafeHtml {
  if (ms === undefined) return html`<span class="muted">${fallback ?? t('common.never')}</span>`;
  const d = new Date(ms);
  return html`<time datetime="${d.toISOString()}" title="${i18n().timeZone}">${i18n().dateTime(ms)}</time>`;
}

/** `1 u 05 min`, `12 min`, `40 s` in the request's language. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('duration.s', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('duration.min', { m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('duration.hMin', { h, m: String(m % 60).padStart(2, '0') });
  return t('duration.dH', { d: Math.floor(h / 24), h: h % 24 });
}

/** Accepts epoch milliseconds or an ISO string from the API. */
export function toMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
