import { createI18n, DEFAULT_LOCALE, type I18n, toLocale } from '../i18n/index.js';

const said = (v: string | undefined): string | undefined => {
  const base = (v ?? '').trim().toLowerCase();
  return base === '' || base === 'c' || base.startsWith('c.') || base === 'posix' ? undefined : base;
};

/**
 * The language of a server command line [server/src/web/I18N.md §Command lines], first match wins:
 * `--lang nl|en` (taken out of the arguments), `BAKEN_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG`
 * (`nl_NL.UTF-8` → Dutch; another language → English; `C` and `POSIX` say nothing), then the
 * deployment's default (`BAKEN_LOCALE`, Dutch unless set) — the same default as the web pages.
 */
export function cliI18n(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): { i18n: I18n; args: string[] } {
  const args = [...argv];
  let asked: string | undefined;
  const i = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i >= 0) {
    const a = args[i] ?? '';
    asked = a.includes('=') ? a.slice('--lang='.length) : args[i + 1];
    args.splice(i, a.includes('=') ? 1 : 2);
  }
  for (const v of [asked, env['BAKEN_LANG'], env['LC_ALL'], env['LC_MESSAGES'], env['LANG']]) {
    const s = said(v);
    if (s !== undefined) return { i18n: createI18n(toLocale(s) ?? 'en'), args };
  }
  return { i18n: createI18n(toLocale(env['BAKEN_LOCALE']) ?? DEFAULT_LOCALE), args };
}
