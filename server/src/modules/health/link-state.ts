import type { LinkState } from '../ingest/domain-events.js';
import type { HealthPolicy } from './health-policy.js';

export interface Observation {
  /** Last time anything was heard (heartbeat, event, device report); null when never. */
  lastSeenAt: number | null;
  intervalS: number;
  /** The retained availability / last will says offline (gateways only). */
  declaredOffline: boolean;
}

/** The silence threshold after which a subject is offline (default 2.5 × interval). */
export const offlineThresholdMs = (intervalS: number, p: HealthPolicy): number =>
  intervalS * 1000 * p.offlineAfterIntervals;

/**
 * Connectivity of a gateway or device at `now`: `unknown` when never seen, `offline`
 * when declared offline or silent past the threshold, `stale` when late but under it, else `online`.
 */
export function linkState(o: Observation, now: number, p: HealthPolicy): LinkState {
  if (o.lastSeenAt === null) return o.declaredOffline ? 'offline' : 'unknown';
  if (o.declaredOffline) return 'offline';
  const silent = now - o.lastSeenAt;
  if (silent > offlineThresholdMs(o.intervalS, p)) return 'offline';
  if (silent > o.intervalS * 1000 * p.staleAfterIntervals) return 'stale';
  return 'online';
}
