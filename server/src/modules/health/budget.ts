import type { BudgetPolicy } from './health-policy.js';
import { coveredMs, type Span } from './intervals.js';

export interface WindowBurn {
  name: 'fast' | 'slow';
  windowMs: number;
  downtimeMs: number;
  /** 1 = burning exactly the yearly budget over a year; higher burns faster. */
  burnRate: number;
  /** The downtime in the window exceeds its share of the yearly budget. */
  alerting: boolean;
}

export interface BudgetStatus {
  consumedMs: number;
  remainingMs: number;
  yearlyMs: number;
  /** The year's budget is spent (REQUIREMENTS §8.8 breached). */
  exhausted: boolean;
  /** When the remaining budget runs out at the recent burn rate; null when not burning. */
  predictedExhaustionAt: number | null;
  windows: WindowBurn[];
  /** Longest single incident span in the year (the 90-minute rule). */
  longestIncidentMs: number;
}

/**
 * The downtime budget of one scope (a home or the platform) at `now` from its downtime spans (open
 * ones end at `now`), over the rolling year [REQUIREMENTS §8.8; SRE multi-window burn-rate alerting].
 * Overlapping spans (gateway and device down together) count once.
 */
export function budgetStatus(spans: readonly Span[], now: number, p: BudgetPolicy): BudgetStatus {
  const yearFrom = now - p.yearMs;
  const consumedMs = coveredMs(spans, yearFrom, now);
  const remainingMs = Math.max(0, p.yearlyMs - consumedMs);
  const allowedPerMs = p.yearlyMs / p.yearMs;
  const windows = p.windows.map((w) => {
    const downtimeMs = coveredMs(spans, now - w.windowMs, now);
    return {
      name: w.name,
      windowMs: w.windowMs,
      downtimeMs,
      burnRate: downtimeMs / (w.windowMs * allowedPerMs),
      alerting: downtimeMs >= w.budgetFraction * p.yearlyMs,
    };
  });
  const recentRate = coveredMs(spans, now - p.predictionWindowMs, now) / p.predictionWindowMs;
  let predictedExhaustionAt: number | null = null;
  if (remainingMs === 0) predictedExhaustionAt = now;
  else if (recentRate > 0) predictedExhaustionAt = Math.round(now + remainingMs / recentRate);
  let longestIncidentMs = 0;
  for (const s of spans) {
    if (s.end > yearFrom)
      longestIncidentMs = Math.max(longestIncidentMs, s.end - Math.max(s.start, yearFrom));
  }
  return {
    consumedMs,
    remainingMs,
    yearlyMs: p.yearlyMs,
    exhausted: remainingMs === 0,
    predictedExhaustionAt,
    windows,
    longestIncidentMs,
  };
}
