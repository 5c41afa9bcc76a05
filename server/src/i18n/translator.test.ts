import { describe, expect, it } from 'vitest';
import { i18n, runWithI18n, t } from './context.js';
import { createI18n } from './translator.js';

describe('translator', () => {
  it('speaks the request language and falls back to English outside a request', async () => {
    expect(t('layout.logout')).toBe('Log out');
    const out = await runWithI18n(createI18n('nl'), async () => {
      await Promise.resolve();
      return [t('layout.logout'), t('forbidden.text', { role: 'Cliënt' }), i18n().locale];
    });
    expect(out).toEqual(['Afmelden', 'Met uw rol (Cliënt) kunt u deze pagina niet openen.', 'nl']);
  });

  it('formats dates and times in the home time zone, not UTC', () => {
    const at = Date.parse('2026-12-06T13:05:00Z');
    const nl = createI18n('nl', 'Europe/Amsterdam');
    expect(nl.time(at)).toBe('14:05');
    expect(nl.dateTime(at)).toMatch(/^6 dec 2026.*14:05$/);
    expect(createI18n('en', 'Europe/Amsterdam').dateTime(at)).toMatch(/^6 Dec 2026.*14:05$/);
    expect(createI18n('en', 'UTC').time(at)).toBe('13:05');
    expect(nl.isoDay(Date.parse('2026-12-05T23:30:00Z'))).toBe('2026-12-06');
    expect(nl.number(1234.5)).toBe('1.234,5');
  });
});
