import { describe, expect, it } from 'vitest';
import { localDay, nextDay, startOfLocalDay, zoneOffset } from './local-day.js';

const AMS = 'Europe/Amsterdam';

describe('local days [server/src/web/I18N.md]', () => {
  it('cuts a winter day at 23:00 UTC the evening before', () => {
    expect(startOfLocalDay('2026-12-06', AMS)).toBe(Date.parse('2026-12-05T23:00:00Z'));
    expect(zoneOffset(Date.parse('2026-12-06T12:00:00Z'), AMS)).toBe(3_600_000);
  });
  it('cuts a summer day at 22:00 UTC', () => {
    expect(startOfLocalDay('2026-07-01', AMS)).toBe(Date.parse('2026-06-30T22:00:00Z'));
  });
  it('gives DST days their true length (23 h in March, 25 h in October)', () => {
    const len = (d: string) => (startOfLocalDay(nextDay(d), AMS) ?? 0) - (startOfLocalDay(d, AMS) ?? 0);
    expect(len('2026-03-29')).toBe(23 * 3_600_000);
    expect(len('2026-10-25')).toBe(25 * 3_600_000);
    expect(len('2026-10-26')).toBe(24 * 3_600_000);
  });
  it('names the local day of an instant, not the UTC day', () => {
    expect(localDay(Date.parse('2026-12-05T23:30:00Z'), AMS)).toBe('2026-12-06');
    expect(localDay(Date.parse('2026-12-05T23:30:00Z'), 'UTC')).toBe('2026-12-05');
  });
  it('refuses days that do not exist', () => {
    expect(startOfLocalDay('2026-02-30', AMS)).toBeUndefined();
    expect(startOfLocalDay('6-12-2026', AMS)).toBeUndefined();
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});
