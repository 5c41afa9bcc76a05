import { pickCliLang } from '@baken/protocols';
import { createI18n, DEFAULT_LOCALE, type I18n } from '../i18n/index.js';

/**
 * The language of a server command line [server/src/web/I18N.md §Command lines]: the rule every
 * Baken command line shares (`pickCliLang`: `--lang`, `BAKEN_LANG`, the locale variables,
 * `BAKEN_LOCALE`), falling back to the deployment's default — Dutch, as the web pages.
 */
export function cliI18n(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): { i18n: I18n; args: string[] } {
  const { lang, args } = pickCliLang(argv, env, DEFAULT_LOCALE);
  return { i18n: createI18n(lang), args };
}
