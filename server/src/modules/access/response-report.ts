import { peopleCsv } from '../../http/people-csv.js';
import { DEFAULT_TIME_ZONE, type Locale } from '../../i18n/index.js';
import { localDay } from '../../i18n/local-day.js';
import { median } from '../../median.js';
import { toCsv } from '../health/csv.js';
import type { ReleaseStore } from './releases.js';

/** The on-site target from alarm to the door opening (REQUIREMENTS §A): 30 minutes. */
export const ON_SITE_TARGET_MS = 30 * 60_000;

export type Period = 'day' | 'week' | 'month';

export interface ResponseRow {
  teamId: string;
  period: string;
  alarms: number;
  /** Median milliseconds per step; null when no alarm of the group reached that step. */
  medianAlarmToReleaseMs: number | null;
  medianReleaseToOpenMs: number | null;
  medianAlarmToOpenMs: number | null;
  /** Alarms whose door opened within the 30-minute target. */
  withinTarget: number;
  /** Alarms with no opening recorded (yet). */
  notOpened: number;
}

/** The day, ISO week or month of `at` in the home's time zone: periods start at local midnight. */
function periodKey(at: number, p: Period, timeZone: string): string {
  const iso = localDay(at, timeZone);
  const d = new Date(`${iso}T00:00:00Z`);
  if (p === 'day') return iso;
  if (p === 'month') return iso.slice(0, 7);
  // ISO week: Thursday of this week decides the year.
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const jan1 = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - jan1) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Response time per team and period: for every alarm with a release, the first release
 * and the first opening; steps alarm → release → door opening, against the 30-minute target.
 */
export async function responseReport(
  releases: Pick<ReleaseStore, 'alarmResponseRows'>,
  opts: { since: number; until: number; period: Period; timeZone?: string },
): Promise<ResponseRow[]> {
  const rows = await releases.alarmResponseRows(opts.since, opts.until);
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.teamId}\u0000${periodKey(r.raised, opts.period, opts.timeZone ?? DEFAULT_TIME_ZONE)}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.entries()]
    .map(([k, rs]) => {
      const [teamId, period] = k.split('\u0000') as [string, string];
      const opened = rs.filter((r) => r.opened !== null);
      return {
        teamId,
        period,
        alarms: rs.length,
        medianAlarmToReleaseMs: median(rs.map((r) => r.released - r.raised)),
        medianReleaseToOpenMs: median(opened.map((r) => r.opened! - r.released)),
        medianAlarmToOpenMs: median(opened.map((r) => r.opened! - r.raised)),
        withinTarget: opened.filter((r) => r.opened! - r.raised <= ON_SITE_TARGET_MS).length,
        notOpened: rs.length - opened.length,
      };
    })
    .sort((a, b) => a.period.localeCompare(b.period) || a.teamId.localeCompare(b.teamId));
}

const CSV_COLUMNS: Array<keyof ResponseRow> = [
  'teamId',
  'period',
  'alarms',
  'medianAlarmToReleaseMs',
  'medianReleaseToOpenMs',
  'medianAlarmToOpenMs',
  'withinTarget',
  'notOpened',
];

/** The report as CSV: RFC 4180 for machines, or for people in `lang` (people-csv.ts). */
export function responseCsv(rows: ResponseRow[], lang?: Locale): string {
  return lang ? peopleCsv(CSV_COLUMNS, rows, lang) : toCsv(CSV_COLUMNS, rows);
}
