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

/**
 * The first time after `now` at which {@link linkState} of `o` changes with time alone, no message
 * heard (it turns `stale`, then `offline`): when the health sweep must look at the subject again.
 * Infinity when time alone changes nothing (never seen, declared offline, past both thresholds).
 */
export function nextLinkChangeAt(o: Observation, now: number, p: HealthPolicy): number {
  if (o.lastSeenAt === null || o.declaredOffline) return Number.POSITIVE_INFINITY;
  let next = Number.POSITIVE_INFINITY;
  for (const k of [p.staleAfterIntervals, p.offlineAfterIntervals]) {
    // `silent > threshold`: the state changes on the first whole millisecond past it
    const t = Math.floor(o.lastSeenAt + o.intervalS * 1000 * k) + 1;
    if (t > now) next = Math.min(next, t);
  }
  return next;
}
