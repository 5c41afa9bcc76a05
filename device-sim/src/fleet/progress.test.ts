import { describe, expect, it } from 'vitest';
import { progressLine, summaryLines } from './progress.js';
import { type FleetStats, mergeSnapshots } from './stats.js';

const stats = (over: Partial<FleetStats>): FleetStats => ({ ...mergeSnapshots([], 0), ...over });

describe('fleet progress and summary', () => {
  it('the progress line gives rates over the window since the earlier stats', () => {
    const before = stats({ elapsedMs: 10_000, heartbeats: 1_000, connects: 500, cpuMs: 1_000 });
    const now = stats({
      elapsedMs: 15_000,
      heartbeats: 2_500,
      connects: 500,
      cpuMs: 3_500,
      homes: 9,
      connected: 8,
    });
    const line = progressLine(now, before);
    expect(line).toContain('homes 8/9 up');
    expect(line).toContain('hb 300/s');
    expect(line).toContain('connects 0/s');
    expect(line).toContain('cpu 50 %');
  });

  it('the summary names the commonest connect failures and the memory per 1,000 homes above the start', () => {
    const s = {
      ...stats({
        homes: 2_000,
        elapsedMs: 60_000,
        connectFailures: 30,
        connectFailureReasons: { 'connack timeout': 25, 'ECONNREFUSED: connect': 5 },
        rssBytes: 300 * 1048576,
        baseRssBytes: 100 * 1048576,
      }),
      lostAlarms: 0,
      lostEvents: 0,
    };
    const text = summaryLines(s).join('\n');
    expect(text).toContain('25 × connack timeout; 5 × ECONNREFUSED: connect');
    expect(text).toContain('100MB per 1,000 homes above their 100MB at start');
  });
});
