import { MockClock } from '@baken/hardware';
import { describe, expect, it } from 'vitest';
import { dc09Main } from '../dc09/cli.js';
import { DC09_HELP_EN } from '../dc09/help.js';
import { DC09_HELP_NL } from '../dc09/help-nl.js';
import { DEMO_PRESS_USAGE, DEMO_USAGE } from '../demo/demo-options.js';
import { demoPress } from '../demo/demo-press.js';
import { DEMO_PRESS_USAGE_NL, DEMO_USAGE_NL } from '../demo/demo-usage-nl.js';
import { SIM_HELP_EN } from './help.js';
import { SIM_HELP_NL } from './help-nl.js';
import { pickLang } from './lang.js';
import { main } from './main.js';

const opts = (s: string) => [...s.matchAll(/--[a-z-]+/g)].map((m) => m[0]).sort();

/** Fails when a help text is missing, left untranslated, or names other options in either language. */
function sameHelp(en: Record<string, string>, nl: Record<string, string>): void {
  expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
  for (const k of Object.keys(en)) {
    expect(nl[k], k).toBeTruthy();
    expect(nl[k], k).not.toBe(en[k]);
    expect(opts(nl[k]!), k).toEqual(opts(en[k]!));
  }
}

// server/src/web/I18N.md §Command lines
describe('baken-sim and baken-dc09 help in Dutch and English', () => {
  it('every help text exists in both languages with the same options', () => {
    sameHelp({ ...SIM_HELP_EN }, { ...SIM_HELP_NL });
    sameHelp({ ...DC09_HELP_EN }, { ...DC09_HELP_NL });
    sameHelp(
      { demo: DEMO_USAGE, press: DEMO_PRESS_USAGE },
      { demo: DEMO_USAGE_NL, press: DEMO_PRESS_USAGE_NL },
    );
  });

  it('follows --lang, BAKEN_LANG, LC_ALL/LC_MESSAGES/LANG, then BAKEN_LOCALE, else English', () => {
    expect(pickLang([], {}).lang).toBe('en');
    expect(pickLang([], { LANG: 'nl_NL.UTF-8' }).lang).toBe('nl');
    expect(pickLang([], { LANG: 'C.UTF-8', BAKEN_LOCALE: 'nl' }).lang).toBe('nl');
    expect(pickLang([], { LANG: 'fr_FR.UTF-8', BAKEN_LOCALE: 'nl' }).lang).toBe('en');
    expect(pickLang([], { LANG: 'en_US.UTF-8', BAKEN_LANG: 'nl' }).lang).toBe('nl');
    expect(pickLang([], { LC_ALL: 'en_US.UTF-8', LANG: 'nl_NL.UTF-8' }).lang).toBe('en');
    expect(pickLang(['home', '--lang=en', '--pty'], { BAKEN_LANG: 'nl' })).toEqual({
      lang: 'en',
      args: ['home', '--pty'],
    });
  });

  it('prints each command help in the language chosen', async () => {
    const run = async (argv: string[], env: Record<string, string>) => {
      const lines: string[] = [];
      const io = {
        out: (l: string) => lines.push(l),
        err: (l: string) => lines.push(l),
        stdin: process.stdin,
      };
      const code = await main(argv, io, env);
      return { code, text: lines.join('\n') };
    };
    expect(await run(['--help'], { LANG: 'nl_NL.UTF-8' })).toEqual({ code: 0, text: SIM_HELP_NL.main });
    expect((await run(['home', '--help'], { BAKEN_LANG: 'nl' })).text).toBe(SIM_HELP_NL.home);
    expect((await run(['scenario', '--help', '--lang', 'nl'], {})).text).toBe(SIM_HELP_NL.scenario);
    expect((await run(['fleet', '--help'], { LANG: 'nl_BE.UTF-8' })).text).toBe(SIM_HELP_NL.fleet);
    expect((await run(['fleet-enrol', '--help'], { LANG: 'nl_NL' })).text).toBe(SIM_HELP_NL.fleetEnrol);
    expect((await run(['fleet', '--help'], { LANG: 'en_GB.UTF-8' })).text).toBe(SIM_HELP_EN.fleet);
    const wrong = await run(['fly'], { LANG: 'nl_NL.UTF-8' });
    expect(wrong.code).toBe(2);
    expect(wrong.text).toMatch(/^onbekende opdracht 'fly'/);

    const dc09 = async (argv: string[], env: Record<string, string>) => {
      const lines: string[] = [];
      const io = {
        out: (l: string) => lines.push(l),
        err: (l: string) => lines.push(l),
        stopped: new Promise(() => {}),
      };
      await dc09Main(argv, io, new MockClock(), env);
      return lines.join('\n');
    };
    expect(await dc09(['--help'], { LANG: 'nl_NL.UTF-8' })).toBe(DC09_HELP_NL.main);
    expect(await dc09(['send', '--help'], { BAKEN_LANG: 'nl' })).toBe(DC09_HELP_NL.send);
    expect(await dc09(['listen', '--help', '--lang=nl'], {})).toBe(DC09_HELP_NL.listen);
    expect(await dc09(['listen', '--help'], {})).toBe(DC09_HELP_EN.listen);

    const press: string[] = [];
    const pio = { out: (t: string) => press.push(t), err: (t: string) => press.push(t) };
    expect(await demoPress(['press', '--help', '--lang', 'nl'], {}, pio)).toBe(0);
    expect(await demoPress(['press', '--help'], { LANG: 'en_US.UTF-8' }, pio)).toBe(0);
    expect(press).toEqual([DEMO_PRESS_USAGE_NL, DEMO_PRESS_USAGE]);
  });
});
