import { csvCell } from '../registry/csv.js';

/**
 * RFC 4180 report CSV with a header row: one line per record, `columns` in order. Text cells go
 * through the registry's {@link csvCell} (quoting, formula prefix `'`); null/undefined are empty.
 */
export function toCsv<T extends object>(
  columns: ReadonlyArray<keyof T & string>,
  rows: readonly T[],
): string {
  const cell = (v: unknown): string => (typeof v === 'string' ? csvCell(v) : v == null ? '' : String(v));
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
