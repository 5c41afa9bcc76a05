import { describe, expect, it } from 'vitest';
import { pickCliLang } from './lang.js';

describe('pickCliLang', () => {
  it('takes --lang out of the arguments, in both spellings', () => {
    expect(pickCliLang(['--lang', 'nl', '--db', 'x'], {}, 'en')).toEqual({ lang: 'nl', args: ['--db', 'x'] });
    expect(pickCliLang(['home', '--lang=en', '--pty'], { BAKEN_LANG: 'nl' }, 'nl')).toEqual({
      lang: 'en',
      args: ['home', '--pty'],
    });
  });

  it('reads BAKEN_LANG, then LC_ALL, LC_MESSAGES, LANG, first one that says something', () => {
    expect(pickCliLang([], { BAKEN_LANG: 'nl', LANG: 'en_GB.UTF-8' }, 'en').lang).toBe('nl');
    expect(pickCliLang([], { LC_ALL: 'en_US.UTF-8', LANG: 'nl_NL.UTF-8' }, 'nl').lang).toBe('en');
    expect(pickCliLang([], { LC_MESSAGES: 'nl_BE@euro', LANG: 'en_GB' }, 'en').lang).toBe('nl');
    expect(pickCliLang([], { LANG: 'C.UTF-8', BAKEN_LOCALE: 'nl' }, 'en').lang).toBe('nl');
    expect(pickCliLang([], { LANG: 'POSIX' }, 'en').lang).toBe('en');
  });

  it('answers English for another language, and the fallback only when nothing is said', () => {
    expect(pickCliLang([], { LANG: 'de_DE.UTF-8', BAKEN_LOCALE: 'nl' }, 'nl').lang).toBe('en');
    expect(pickCliLang([], {}, 'nl').lang).toBe('nl');
    expect(pickCliLang([], {}, 'en').lang).toBe('en');
    expect(pickCliLang([], { BAKEN_LOCALE: 'fr' }, 'nl').lang).toBe('nl');
    expect(pickCliLang([], { BAKEN_LOCALE: 'en-GB' }, 'nl').lang).toBe('en');
  });
});
