/**
 * Thresholds of the health module, with the defaults of REQUIREMENTS §8.8. One object so
 * tests and operators see every number in one place.
 */
export interface HealthPolicy {
  /** Late after this many check-in intervals without a heartbeat (`stale`). */
  staleAfterIntervals: number;
  /** Silent past this many intervals: `offline` and an incident (default 2.5). */
  offlineAfterIntervals: number;
  /** Interval assumed before the first heartbeat told us the real one. */
  defaultIntervalS: number;
  /** How often the sweep runs on the injected clock. */
  sweepIntervalMs: number;
  /** How often the platform records that it is alive (the resolution of its own downtime). */
  platformAliveMs: number;
  /** History bucket width (per-gateway online/offline graph). */
  bucketMs: number;
  budget: BudgetPolicy;
  warnings: WarningPolicy;
}

export interface BudgetPolicy {
  /** REQUIREMENTS §8.8: at most 90 minutes per incident. */
  perIncidentMs: number;
  /** REQUIREMENTS §8.8: at most 5 hours per rolling 365 days. */
  yearlyMs: number;
  yearMs: number;
  /** Open incident alerts (before the 90-minute breach, and at it). */
  incidentWarnAtMs: number;
  /**
   * Multi-window burn alerts: raised when the downtime inside `windowMs` exceeds `budgetFraction`
   * of the yearly budget, i.e. the burn rate would exhaust the year's budget far too early.
   */
  windows: Array<{ name: 'fast' | 'slow'; windowMs: number; budgetFraction: number }>;
  /** Window of the burn rate used to predict exhaustion. */
  predictionWindowMs: number;
}

export interface WarningPolicy {
  lowBatteryPercent: number;
  /** A low-battery warning closes above this (hysteresis). */
  batteryRecoveredPercent: number;
  clockDriftMs: number;
  outboxDepth: number;
  outboxOldestAgeS: number;
  flapChanges: number;
  flapWindowMs: number;
  /** Warnings with no clearing signal (tamper) close after this long without recurring. */
  quietCloseMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  staleAfterIntervals: 1.5,
  offlineAfterIntervals: 2.5,
  defaultIntervalS: 60,
  sweepIntervalMs: 15_000,
  platformAliveMs: 1_000,
  bucketMs: 5 * MIN,
  budget: {
    perIncidentMs: 90 * MIN,
    yearlyMs: 5 * HOUR,
    yearMs: 365 * DAY,
    incidentWarnAtMs: 60 * MIN,
    windows: [
      // 2 % of the year's budget (6 min) in one hour; 5 % (15 min) in six hours.
      { name: 'fast', windowMs: HOUR, budgetFraction: 0.02 },
      { name: 'slow', windowMs: 6 * HOUR, budgetFraction: 0.05 },
    ],
    predictionWindowMs: 30 * DAY,
  },
  warnings: {
    lowBatteryPercent: 20,
    batteryRecoveredPercent: 30,
    clockDriftMs: 30_000,
    outboxDepth: 100,
    outboxOldestAgeS: 300,
    flapChanges: 4,
    flapWindowMs: HOUR,
    quietCloseMs: DAY,
  },
};
