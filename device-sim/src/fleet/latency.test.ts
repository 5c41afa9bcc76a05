import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency.js';

describe('LatencyHistogram', () => {
  it('quantiles within 1 % of the exact ones, max exact', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeGreaterThanOrEqual(500);
    expect(s.p50).toBeLessThanOrEqual(505);
    expect(s.p99).toBeGreaterThanOrEqual(990);
    expect(s.p99).toBeLessThanOrEqual(1000);
    expect(s.max).toBe(1000);
  });

  it('empty: no quantiles', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, p50: null, p99: null, max: null });
  });

  it('histograms of several processes add up exactly', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 0; i < 500; i++) {
      a.record(i * 0.3);
      all.record(i * 0.3);
      b.record(1000 + i);
      all.record(1000 + i);
    }
    const merged = new LatencyHistogram();
    merged.add(a.snapshot());
    merged.add(JSON.parse(JSON.stringify(b.snapshot())));
    expect(merged.summary()).toEqual(all.summary());
  });
});
