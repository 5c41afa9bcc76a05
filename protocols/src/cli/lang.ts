/** The languages Baken's command lines speak [server/src/web/I18N.md §Command lines]. */
export type CliLang = 'nl' | 'en';

/** What one locale setting says: Dutch, English, another language, or nothing (unset, `C`, `POSIX`). */
const said = (v: string | undefined): CliLang | 'other' | undefined => {
  const base =
    (v ?? '')
      .trim()
      .toLowerCase()
      .split(/[-_.@]/)[0] ?? '';
  if (base === '' || base === 'c' || base === 'posix') return undefined;
  return base === 'nl' || base === 'en' ? base : 'other';
};

/**
 * The language of a command line's help and messages, first match wins: `--lang nl|en` (taken out of
 * the arguments), `BAKEN_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG` (`nl_NL.UTF-8` → Dutch; another
 * language → English; `C` and `POSIX` say nothing), then `BAKEN_LOCALE` (the deployment's default
 * language) when it names Dutch or English, else `fallback`. Shared by the server's, the home unit's
 * and the simulator's command lines so that one environment gives every tool the same language.
 */
export function pickCliLang(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  fallback: CliLang,
): { lang: CliLang; args: string[] } {
  const args = [...argv];
  let asked: string | undefined;
  const i = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i >= 0) {
    const a = args[i] ?? '';
    asked = a.includes('=') ? a.slice('--lang='.length) : args[i + 1];
    args.splice(i, a.includes('=') ? 1 : 2);
  }
  for (const v of [asked, env['BAKEN_LANG'], env['LC_ALL'], env['LC_MESSAGES'], env['LANG']]) {
    const l = said(v);
    if (l !== undefined) return { lang: l === 'other' ? 'en' : l, args };
  }
  const deployment = said(env['BAKEN_LOCALE']);
  return { lang: deployment === 'nl' || deployment === 'en' ? deployment : fallback, args };
}
