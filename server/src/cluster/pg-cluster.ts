import type { Clock } from '../clock.js';
import type { PgDatabase } from '../store/pg/pg-database.js';
import { PgLease } from '../store/pg/pg-lease.js';
import { type Cluster, leasesBy, newInstanceId } from './cluster.js';
import { PgHitCounter } from './pg-hit-counter.js';
import { PgLiveFeed } from './pg-live-feed.js';
import { PgSignals } from './signals.js';

export interface PgClusterOptions {
  db: PgDatabase;
  /** The database's URL, for the listening connection: a secret, never logged. */
  url: string;
  clock: Clock;
  instanceId?: string;
  /** Failures of the background work (the listening connection, live-feed writes, pruning). */
  onError?: (err: unknown) => void;
  /** Tests: leases on this clock instead of the database's. */
  leaseClock?: Pick<Clock, 'now'>;
  /** Reconnect delay of the listening connection (injected clock). */
  retryMs?: number;
}

export interface PgCluster extends Cluster {
  readonly signals: PgSignals;
  readonly liveFeed: PgLiveFeed;
}

/**
 * The clustered deployment's shared state in PostgreSQL: leases as rows (`PgLease`), signals over
 * `LISTEN`/`NOTIFY`, the live feed in `live_events`. Migrations must have run (`openPgStore`).
 * `start()` opens the listening connection; `stop()` closes it and releases this instance's leases
 * as its jobs stop.
 */
export function pgCluster(o: PgClusterOptions): PgCluster {
  const onError = o.onError ?? (() => undefined);
  const instanceId = o.instanceId ?? newInstanceId();
  const lease = leasesBy((name) => new PgLease(o.db, name, o.leaseClock ? { clock: o.leaseClock } : {}));
  const signals = new PgSignals(o.db, o.url, o.clock, {
    onError,
    ...(o.retryMs === undefined ? {} : { retryMs: o.retryMs }),
  });
  const liveFeed = new PgLiveFeed(o.db, signals, o.clock, lease('live.prune'), instanceId, onError);
  return {
    instanceId,
    lease,
    signals,
    liveFeed,
    hitCounters: (name, max, windowMs) => new PgHitCounter(o.db, name, max, windowMs, o.clock),
    async start() {
      await signals.start();
      await liveFeed.start();
    },
    async stop() {
      await liveFeed.stop();
      await signals.stop();
    },
  };
}
