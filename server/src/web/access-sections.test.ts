import { describe, expect, it } from 'vitest';
import { accessLogSection, whoMayEnterSection, windowsText } from './pages/access-sections.js';

const w = (weekday: number, fromMinute: number, toMinute: number) => ({ weekday, fromMinute, toMinute });

describe('access sections', () => {
  it('group days with the same hours and say "all day" for whole days', () => {
    expect(windowsText([1, 2, 3, 4, 5, 6, 7].map((d) => w(d, 0, 1440)))).toBe('Every day all day');
    expect(windowsText([w(1, 420, 1320), w(2, 420, 1320), w(3, 420, 1320), w(6, 540, 1020)])).toBe(
      'Mon–Wed 07:00–22:00; Sat 09:00–17:00',
    );
    expect(windowsText([w(1, 480, 600), w(2, 480, 600), w(4, 480, 600)])).toBe('Mon, Tue, Thu 08:00–10:00');
  });

  it('escape names, say why someone cannot get a code, and never invent entries', () => {
    const who = whoMayEnterSection({
      ok: true,
      data: {
        people: [
          {
            userId: 'u1',
            displayName: '<script>x</script>',
            teams: [{ id: 't', name: 'Team Noord' }],
            functions: [{ name: 'nurse', windows: { alarm: [w(1, 0, 1440)] } }],
            active: false,
            inactiveReason: 'expired',
            validUntil: Date.UTC(2026, 0, 1),
          },
        ],
      },
    }).value;
    expect(who).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(who).not.toContain('<script>');
    expect(who).toContain('Temporary access ended');
    expect(who).toContain('<strong>Alarm follow-up</strong> (nurse): Mon all day');
    const log = accessLogSection({
      ok: true,
      data: { entries: [], openingsWithoutRelease: [{ at: 1, message: 'DOOR_OPENED without release' }] },
    }).value;
    expect(log).toContain('Nobody has been given access yet.');
    expect(log).toContain('The key safe opened without a released code');
    const missing = accessLogSection({
      ok: false,
      status: 404,
      missing: true,
      message: 'No route',
      code: undefined,
    });
    expect(missing.value).toContain('Not available');
  });
});
