import { describe, expect, it } from 'vitest';
import { en } from '../i18n/catalogues/en/index.js';
import { nl } from '../i18n/catalogues/nl/index.js';
import { runAuditVerify } from './audit-verify.js';
import { runEnrolFleet } from './enrol-fleet.js';
import { cliI18n } from './lang.js';

const help = async (env: Record<string, string | undefined>, argv = ['--help']) => {
  const err: string[] = [];
  await runAuditVerify(
    argv,
    () => undefined,
    (s) => err.push(s),
    env,
  );
  return err.join('\n');
};

// server/src/web/I18N.md §Command lines: every help line in Dutch and English
describe('server command lines speak Dutch and English', () => {
  it("chooses --lang, BAKEN_LANG, LC_ALL/LC_MESSAGES/LANG, then the deployment's default (Dutch)", async () => {
    expect(await help({})).toMatch(/^gebruik: audit-verify/);
    expect(await help({ LANG: 'C.UTF-8' })).toMatch(/^gebruik: audit-verify/);
    expect(await help({ LANG: 'C.UTF-8', BAKEN_LOCALE: 'en' })).toMatch(/^usage: audit-verify/);
    expect(await help({ LANG: 'en_GB.UTF-8' })).toMatch(/^usage: audit-verify/);
    expect(await help({ LANG: 'de_DE.UTF-8' })).toMatch(/^usage: audit-verify/);
    expect(await help({ LANG: 'en_GB.UTF-8', LC_ALL: 'nl_NL.UTF-8' })).toMatch(/^gebruik/);
    expect(await help({ LANG: 'en_GB.UTF-8', BAKEN_LANG: 'nl' })).toMatch(/^gebruik/);
    expect(await help({ BAKEN_LANG: 'nl' }, ['--help', '--lang', 'en'])).toMatch(/^usage/);
    expect(await help({}, ['--lang=en', '--help'])).toMatch(/^usage/);
    expect(cliI18n(['--lang', 'en', '--db', 'x'], {}).args).toEqual(['--db', 'x']);
  });

  it('enrol-fleet explains itself in the language chosen', async () => {
    const err: string[] = [];
    const run = (env: Record<string, string>) =>
      runEnrolFleet(
        ['--help'],
        () => undefined,
        (s) => err.push(s),
        env,
      );
    expect(await run({ LANG: 'nl_NL.UTF-8' })).toBe(0);
    expect(await run({ LANG: 'en_US.UTF-8' })).toBe(0);
    expect(err[0]).toMatch(/^gebruik: enrol-fleet/);
    expect(err[1]).toMatch(/^usage: enrol-fleet/);
  });

  it('every help text exists in both languages and names the same options', () => {
    const keys = Object.keys(en).filter((k) => k.startsWith('cli.'));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const opts = (s: string) => [...s.matchAll(/--[a-z-]+/g)].map((m) => m[0]).sort();
    for (const k of keys) {
      const nlText = (nl as Record<string, string>)[k];
      expect(nlText, k).toBeTruthy();
      expect(nlText, k).not.toBe((en as Record<string, string>)[k]);
      expect(opts(nlText!), k).toEqual(opts((en as Record<string, string>)[k]!));
    }
  });
});
