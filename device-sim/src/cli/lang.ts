import { type CliLang, pickCliLang } from '@baken/protocols';

export type { CliLang };

/**
 * The simulator's help language [server/src/web/I18N.md §Command lines]: the rule every Baken command
 * line shares (`pickCliLang`), English when nothing says otherwise.
 */
export function pickLang(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): { lang: CliLang; args: string[] } {
  return pickCliLang(argv, env, 'en');
}
