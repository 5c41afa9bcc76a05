import { executionAsyncId } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { i18n, rendersInFlight, runWithI18n, t } from './context.js';
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

  it('keeps each overlapping render in its own language, and switches the scope off when none is left', async () => {
    let finishNl!: () => void;
    const nlMayFinish = new Promise<void>((r) => {
      finishNl = r;
    });
    const nl = runWithI18n(createI18n('nl'), async () => {
      await nlMayFinish;
      return t('layout.logout');
    });
    const en = await runWithI18n(createI18n('en'), async () => {
      await Promise.resolve();
      return t('layout.logout');
    });
    // the English render is over; the Dutch one, still waiting, must keep its language
    expect(rendersInFlight()).toBe(1);
    finishNl();
    expect([en, await nl]).toEqual(['Log out', 'Afmelden']);
    expect(rendersInFlight()).toBe(0);
    expect(i18n().locale).toBe('en');
    // promises are no longer tracked: an await's continuation runs in no async context of its own
    const contextAfterAwait = async () => {
      await null;
      return executionAsyncId();
    };
    expect(await contextAfterAwait()).toBe(0);

    // a render that throws, synchronously or not, still counts as finished
    expect(() =>
      runWithI18n(createI18n('nl'), () => {
        throw new Error('render failed');
      }),
    ).toThrow('render failed');
    await expect(
      runWithI18n(createI18n('nl'), async () => {
        await Promise.resolve();
        throw new Error('render failed later');
      }),
    ).rejects.toThrow('render failed later');
    expect(rendersInFlight()).toBe(0);
    // and the next render speaks its language again
    expect(runWithI18n(createI18n('nl'), () => t('layout.logout'))).toBe('Afmelden');
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
