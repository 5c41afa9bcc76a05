/** The languages Baken speaks. Dutch first: Baken's users are Dutch care organisations. */
export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The deployment's defaults when a user has chosen nothing [server/src/web/I18N.md]. */
export const DEFAULT_LOCALE: Locale = 'nl';
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

/** `nl-NL`, `en_GB.UTF-8`, `EN` → a supported locale, or undefined. */
export function toLocale(v: string | undefined | null): Locale | undefined {
  const base = (v ?? '')
    .trim()
    .toLowerCase()
    .split(/[-_.@]/)[0];
  return isLocale(base) ? base : undefined;
}

/** Whether `tz` is an IANA time zone this Node knows (`Europe/Amsterdam`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The BCP 47 tag used for number and date formatting: Dutch as in the Netherlands, British English. */
export const INTL_TAG: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };
