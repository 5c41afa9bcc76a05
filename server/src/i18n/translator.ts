import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { CATALOGUES, type MessageKey } from './catalogues/index.js';
import { localDay } from './local-day.js';
import { DEFAULT_TIME_ZONE, INTL_TAG, type Locale } from './locale.js';

export type MessageValues = Record<string, PrimitiveType>;

/** Everything a page needs to speak one language in one time zone. */
export interface I18n {
  readonly locale: Locale;
  /** IANA zone dates are shown in: the home's, else the deployment's (Europe/Amsterdam). */
  readonly timeZone: string;
  /** The message `key` in this locale, ICU placeholders filled from `values`. Plain text. */
  t(key: MessageKey, values?: MessageValues): string;
  /** `6 dec 2026 14:05` / `6 Dec 2026, 14:05`. */
  dateTime(ms: number): string;
  /** `6 dec 2026`. */
  date(ms: number): string;
  /** `14:05`. */
  time(ms: number): string;
  /** `2026-12-06`: the local calendar day of `ms` (what `<input type="date">` holds). */
  isoDay(ms: number): string;
  /** Grouped decimal number: `1.234,5` / `1,234.5`. */
  number(n: number, maxFractionDigits?: number): string;
}

const compiled = new Map<string, IntlMessageFormat>();

function format(locale: Locale, key: MessageKey, values?: MessageValues): string {
  const id = `${locale}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    f = new IntlMessageFormat(CATALOGUES[locale][key], INTL_TAG[locale]);
    compiled.set(id, f);
  }
  const out = f.format(values);
  return typeof out === 'string' ? out : String(out);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: Locale, timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${locale}|${timeZone}|${JSON.stringify(opts)}`;
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(INTL_TAG[locale], { ...opts, timeZone });
    formatters.set(id, f);
  }
  return f;
}

export function createI18n(locale: Locale, timeZone: string = DEFAULT_TIME_ZONE): I18n {
  return {
    locale,
    timeZone,
    t: (key, values) => format(locale, key, values),
    dateTime: (ms) => dtf(locale, timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(ms),
    date: (ms) => dtf(locale, timeZone, { dateStyle: 'medium' }).format(ms),
    time: (ms) => dtf(locale, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms),
    isoDay: (ms) => localDay(ms, timeZone),
    number: (n, max = 1) => new Intl.NumberFormat(INTL_TAG[locale], { maximumFractionDigits: max }).format(n),
  };
}
