import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { HELP_EN, pickLang } from './usage.js';
import { HELP_NL } from './usage-nl.js';

const help = async (argv: string[], env: Record<string, string | undefined> = {}) => {
  let out = '';
  const code = await runCli(argv, { io: { out: (t) => (out += t), err: (t) => (out += t), fetch }, env });
  return { out, code };
};

describe('baken-gateway help in Dutch and English', () => {
  it('follows --lang, then LC_ALL / LC_MESSAGES / LANG, else English', async () => {
    expect((await help(['--help'], { LANG: 'nl_NL.UTF-8' })).out).toMatch(
      /^baken-gateway — de Baken-thuiseenheid/,
    );
    expect((await help(['provision', '--help', '--lang', 'nl'], { LANG: 'C' })).out).toMatch(
      /^Gebruik: baken-gateway provision/,
    );
    expect((await help(['--lang=en', 'check', '--help'], { LANG: 'nl_NL' })).out).toMatch(
      /^Usage: baken-gateway check/,
    );
    expect((await help(['--help'], {})).out).toMatch(/^baken-gateway — the Baken home unit/);
    expect(pickLang(['run'], { LC_ALL: 'nl_BE', LANG: 'en_GB' }).lang).toBe('nl');
  });

  it("BAKEN_LANG before the locale; C/POSIX say nothing, then the deployment's BAKEN_LOCALE", () => {
    expect(pickLang([], { BAKEN_LANG: 'nl', LANG: 'en_GB.UTF-8' }).lang).toBe('nl');
    expect(pickLang(['--lang', 'en'], { BAKEN_LANG: 'nl' }).lang).toBe('en');
    expect(pickLang([], { LANG: 'C.UTF-8', BAKEN_LOCALE: 'nl' }).lang).toBe('nl');
    expect(pickLang([], { LANG: 'POSIX' }).lang).toBe('en');
    expect(pickLang([], { LANG: 'de_DE.UTF-8', BAKEN_LOCALE: 'nl' }).lang).toBe('en');
  });

  it('names the same options and exit codes in both languages', () => {
    for (const k of Object.keys(HELP_EN) as Array<keyof typeof HELP_EN>) {
      const opts = (s: string) => [...s.matchAll(/(--[a-z-]+|-[a-z],)/g)].map((m) => m[1]).sort();
      expect(opts(HELP_NL[k]), k).toEqual(opts(HELP_EN[k]));
    }
  });
});
