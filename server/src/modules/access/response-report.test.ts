import { describe, expect, it } from 'vitest';
import type { AlarmReleaseRow } from './releases.js';
import { responseReport } from './response-report.js';

const at = (iso: string) => Date.parse(iso);
const row = (raised: number): AlarmReleaseRow => ({
  alarmId: `a${raised}`,
  teamId: 't1',
  raised,
  released: raised + 60_000,
  opened: raised + 600_000,
});

describe('response report periods', () => {
  // 23:30 UTC on 5 December is 00:30 on 6 December in Amsterdam: the local day counts.
  const rows = [row(at('2026-12-05T23:30:00Z')), row(at('2026-11-30T23:30:00Z'))];
  const store = { alarmResponseRows: async () => rows };

  it('cuts days, weeks and months at local midnight in the home time zone', async () => {
    const opts = { since: 0, until: Number.MAX_SAFE_INTEGER, timeZone: 'Europe/Amsterdam' };
    expect((await responseReport(store, { ...opts, period: 'day' })).map((r) => r.period)).toEqual([
      '2026-12-01',
      '2026-12-06',
    ]);
    expect((await responseReport(store, { ...opts, period: 'month' })).map((r) => r.period)).toEqual([
      '2026-12',
    ]);
    expect((await responseReport(store, { ...opts, period: 'week' })).map((r) => r.period)).toEqual([
      '2026-W49',
    ]);
  });

  it('in UTC the same alarms fall on the days before', async () => {
    const opts = { since: 0, until: Number.MAX_SAFE_INTEGER, timeZone: 'UTC', period: 'day' as const };
    expect((await responseReport(store, opts)).map((r) => r.period)).toEqual(['2026-11-30', '2026-12-05']);
  });
});
