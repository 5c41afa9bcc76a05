import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import { type Lease, LocalLease } from '../store/lease.js';
import { type HitCounters, memoryHitCounters } from './hit-counter.js';
import { type LiveFeed, LocalLiveFeed } from './live-feed.js';
import { LocalSignals, type Signals } from './signals.js';

/**
 * What one server instance shares with the others of its deployment (store README, "The sweep
 * lease" and "Signals between instances"). The embedded default is one process: its leases are
 * that process's own ({@link localCluster}); the clustered mode binds the same interface to
 * PostgreSQL (`pgCluster`).
 */
export interface Cluster {
  /** This instance's name as a lease holder: host, process and a random part (unique per start). */
  readonly instanceId: string;
  /** The lease of one kind of periodic work, e.g. `health.sweep`; the same object for a name. */
  lease(name: string): Lease;
  /** Signals to every instance's listeners (ids only; see `signals.ts`). */
  readonly signals: Signals;
  /** The live stream's events from every instance (`GET /api/v1/stream`). */
  readonly liveFeed: LiveFeed;
  /** Rate limits (failed logins, provision calls) counted across the deployment. */
  readonly hitCounters: HitCounters;
  /** Connects what needs connecting (listening for signals); the embedded binding needs nothing. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh instance id: `<host>-<pid>-<random>`; never reused across starts. */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** One lease per name, made on first use. */
export function leasesBy(make: (name: string) => Lease): (name: string) => Lease {
  const made = new Map<string, Lease>();
  return (name) => {
    let l = made.get(name);
    if (!l) {
      l = make(name);
      made.set(name, l);
    }
    return l;
  };
}

/** The embedded deployment: one process, leases in its memory, so it always holds them. */
export function localCluster(clock: Pick<Clock, 'now'>, instanceId = newInstanceId()): Cluster {
  return {
    instanceId,
    lease: leasesBy((name) => new LocalLease(name, clock)),
    signals: new LocalSignals(),
    liveFeed: new LocalLiveFeed(),
    hitCounters: memoryHitCounters(clock),
    start: async () => undefined,
    stop: async () => undefined,
  };
}

/**
 * `n` instances in one process sharing their leases, signals and live feed, each with its own id: tests of
 * what happens between instances (one runs the sweep, another takes over) without a database.
 */
export function localClusters(clock: Pick<Clock, 'now'>, n: number): Cluster[] {
  const shared = localCluster(clock);
  return Array.from({ length: n }, (_, i) => ({ ...shared, instanceId: `instance-${i + 1}` }));
}
