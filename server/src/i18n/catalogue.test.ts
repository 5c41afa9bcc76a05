import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { CATALOGUES } from './catalogues/index.js';
import { LOCALES } from './locale.js';

/** The ICU argument names a message uses (`{name}`, `{n, plural, …}`, nested in plural branches). */
function argNames(message: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: unknown[]): void => {
    for (const n of nodes as Array<{
      value?: unknown;
      options?: Record<string, { value: unknown[] }>;
      children?: unknown[];
    }>) {
      if (typeof n.value === 'string' && 'type' in n && (n as { type: number }).type !== 0)
        names.add(n.value);
      if (n.options) for (const o of Object.values(n.options)) walk(o.value);
      if (n.children) walk(n.children);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst() as unknown[]);
  return [...names].sort();
}

describe('message catalogues [server/src/web/I18N.md]', () => {
  const [first, ...rest] = LOCALES;
  const keys = Object.keys(CATALOGUES[first]).sort();

  it.each(rest)('%s has exactly the keys of the other languages', (locale) => {
    const own = Object.keys(CATALOGUES[locale]).sort();
    expect(
      own.filter((k) => !keys.includes(k)),
      `keys only in ${locale}`,
    ).toEqual([]);
    expect(
      keys.filter((k) => !own.includes(k)),
      `keys missing in ${locale}`,
    ).toEqual([]);
  });

  it.each(LOCALES)('every %s message is valid ICU and uses the same arguments as English', (locale) => {
    const bad: string[] = [];
    for (const key of keys) {
      const msg = CATALOGUES[locale][key as keyof (typeof CATALOGUES)['en']];
      if (typeof msg !== 'string' || msg.trim() === '') {
        bad.push(`${key}: empty`);
        continue;
      }
      const want = argNames(CATALOGUES.en[key as keyof (typeof CATALOGUES)['en']], 'en');
      const got = argNames(msg, locale);
      if (want.join() !== got.join()) bad.push(`${key}: {${got.join()}} ≠ English {${want.join()}}`);
    }
    expect(bad).toEqual([]);
  });
});
