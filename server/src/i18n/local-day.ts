/**
 * Calendar days in a time zone. Reports cut days at LOCAL midnight (Europe/Amsterdam: 23:00 or
 * 22:00 UTC), and a DST day lasts 23 or 25 hours — never assume 86 400 000 ms.
 */
const parts = new Map<string, Intl.DateTimeFormat>();

function fields(ms: number, timeZone: string): Record<string, number> {
  let f = parts.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    parts.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at instant `ms`, in ms (Amsterdam in winter: +3 600 000). */
export function zoneOffset(ms: number, timeZone: string): number {
  const f = fields(ms, timeZone);
  const asUtc = Date.UTC(f['year']!, f['month']! - 1, f['day']!, f['hour']!, f['minute']!, f['second']!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-06`: the calendar day `ms` falls on in `timeZone`. */
export function localDay(ms: number, timeZone: string): string {
  const f = fields(ms, timeZone);
  return `${f['year']}-${pad(f['month']!)}-${pad(f['day']!)}`;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** The instant local midnight begins `day` (`YYYY-MM-DD`) in `timeZone`; undefined for a bad day. */
export function startOfLocalDay(day: string, timeZone: string): number | undefined {
  if (!isIsoDay(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d);
  let t = naive - zoneOffset(naive, timeZone);
  // Across a DST change the offset at the guess differs from the offset at midnight itself.
  t = naive - zoneOffset(t, timeZone);
  return t;
}

/** The day after `day`, as `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
