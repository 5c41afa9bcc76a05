import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetStatus } from './budget.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { coveredMs, mergeSpans } from './intervals.js';
import { linkState } from './link-state.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const p = DEFAULT_HEALTH_POLICY.budget;
const now = Date.UTC(2026, 5, 1);

describe('budgetStatus [REQUIREMENTS §8.8]', () => {
  it('is untouched with no downtime', () => {
    const b = budgetStatus([], now, p);
    expect(b).toMatchObject({
      consumedMs: 0,
      remainingMs: 5 * HOUR,
      exhausted: false,
      predictedExhaustionAt: null,
    });
    expect(b.windows.every((w) => !w.alerting && w.burnRate === 0)).toBe(true);
  });

  it('counts overlapping spans once and only inside the rolling year', () => {
    const spans = [
      { start: now - 30 * MIN, end: now - 10 * MIN },
      { start: now - 20 * MIN, end: now }, // overlaps: union is 30 min
      { start: now - 400 * DAY, end: now - 399 * DAY }, // outside the year
    ];
    const b = budgetStatus(spans, now, p);
    expect(b.consumedMs).toBe(30 * MIN);
    expect(b.remainingMs).toBe(4.5 * HOUR);
  });

  it('alerts on the fast window at 2 % of the year budget in an hour, not below', () => {
    const under = budgetStatus([{ start: now - 5 * MIN, end: now }], now, p);
    expect(under.windows.find((w) => w.name === 'fast')?.alerting).toBe(false);
    const over = budgetStatus([{ start: now - 6 * MIN, end: now }], now, p);
    const fast = over.windows.find((w) => w.name === 'fast')!;
    expect(fast.alerting).toBe(true);
    // 6 min in 1 h against 5 h per 8760 h: burning ~175× too fast.
    expect(fast.burnRate).toBeCloseTo(6 / 60 / (5 / 8760), 5);
    expect(over.windows.find((w) => w.name === 'slow')?.alerting).toBe(false);
  });

  it('predicts exhaustion at the 30-day burn rate and reports it exhausted past 5 h', () => {
    const b = budgetStatus([{ start: now - 10 * DAY, end: now - 10 * DAY + HOUR }], now, p);
    // 1 h in 30 days; 4 h remain → 120 days.
    expect(b.predictedExhaustionAt).toBe(now + 120 * DAY);
    const gone = budgetStatus([{ start: now - 6 * HOUR, end: now }], now, p);
    expect(gone).toMatchObject({
      exhausted: true,
      remainingMs: 0,
      predictedExhaustionAt: now,
      longestIncidentMs: 6 * HOUR,
    });
  });
});

describe('spans', () => {
  const span = fc
    .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 5_000 }))
    .map(([s, l]) => ({ start: s, end: s + l }));

  it('union length is order-independent, at most the sum and at least the longest', () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 20 }), (spans) => {
        const total = coveredMs(spans, 0, 20_000);
        const sum = spans.reduce((a, s) => a + (s.end - s.start), 0);
        const longest = Math.max(0, ...spans.map((s) => s.end - s.start));
        expect(total).toBeLessThanOrEqual(sum);
        expect(total).toBeGreaterThanOrEqual(longest);
        expect(coveredMs([...spans].reverse(), 0, 20_000)).toBe(total);
        const merged = mergeSpans(spans);
        for (let i = 1; i < merged.length; i++) expect(merged[i]!.start).toBeGreaterThan(merged[i - 1]!.end);
      }),
    );
  });
});

describe('linkState', () => {
  const pol = DEFAULT_HEALTH_POLICY;
  const at = (ago: number, declaredOffline = false) =>
    linkState({ lastSeenAt: now - ago, intervalS: 60, declaredOffline }, now, pol);
  it.each([
    [0, 'online'],
    [90_000, 'online'],
    [90_001, 'stale'],
    [150_000, 'stale'],
    [150_001, 'offline'],
  ])('silent %i ms → %s', (ago, state) => expect(at(ago)).toBe(state));
  it('is unknown when never seen and offline when declared', () => {
    expect(linkState({ lastSeenAt: null, intervalS: 60, declaredOffline: false }, now, pol)).toBe('unknown');
    expect(at(0, true)).toBe('offline');
  });
});
