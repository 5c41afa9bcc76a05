import { createI18n, hasMessage, type Locale } from '../i18n/index.js';

/**
 * A report as CSV for people, in their language: Dutch Excel opens `;`-separated UTF-8 only with
 * a byte-order mark, and reads `12,5` as a number; English Excel wants `,` and `12.5`. Headings
 * come from the catalogues (`csv.<column>`); `…Ms` columns are shown in minutes. Without `lang`
 * a report stays the machine CSV of `modules/health/csv.ts` (RFC 4180, column keys).
 */
const BOM = '\uFEFF';
const FORMULA = /^'*[=+\-@\t\r]/;

export function peopleCsv<T extends object>(
  columns: ReadonlyArray<keyof T & string>,
  rows: readonly T[],
  locale: Locale,
  keyHeading?: 'home' | 'region',
): string {
  const i18n = createI18n(locale);
  const sep = locale === 'nl' ? ';' : ',';
  const quote = (v: string): string => {
    const s = FORMULA.test(v) ? `'${v}` : v;
    return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const heading = (c: string): string => {
    const key = c === 'key' ? `csv.key.${keyHeading ?? 'home'}` : `csv.${c}`;
    const base = hasMessage(key) ? i18n.t(key) : c;
    return c.endsWith('Ms') ? i18n.t('csv.minutes', { heading: base }) : base;
  };
  const number = new Intl.NumberFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    maximumFractionDigits: 1,
    useGrouping: false,
  });
  const cell = (c: string, v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return number.format(c.endsWith('Ms') ? v / 60_000 : v);
    if (typeof v === 'boolean') return i18n.t(v ? 'reports.yes' : 'reports.no');
    return quote(String(v));
  };
  const lines = [
    columns.map((c) => quote(heading(c))).join(sep),
    ...rows.map((r) => columns.map((c) => cell(c, r[c])).join(sep)),
  ];
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
