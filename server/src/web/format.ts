import { html, type SafeHtml } from './html.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-23 14:02 UTC` inside a `<time>`; the page script rewrites it to the viewer's local time. */
export function timeTag(ms: number | undefined, fallback = 'never'): SafeHtml {
  if (ms === undefined) return html`<span class="muted">${fallback}</span>`;
  const d = new Date(ms);
  const text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
  return html`<time datetime="${d.toISOString()}" data-local>${text}</time>`;
}

/** `1 h 05 min`, `12 min`, `40 s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${pad(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
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
