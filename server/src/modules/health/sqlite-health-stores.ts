import type { Db } from '../../store/database.js';
import { asSqliteHandle, type SqliteHandle } from '../../store/sqlite-async.js';
import type { HealthPolicy } from './health-policy.js';
import type {
  HealthReadModel,
  HealthStores,
  HomeIncidentSpan,
  PlatformBefore,
  PlatformRunStore,
} from './health-stores.js';
import { SqliteBudgetAlertStore } from './sqlite-budget-alert-store.js';
import { SqliteIncidentStore } from './sqlite-incident-store.js';
import { SqliteStateStore } from './sqlite-state-store.js';
import { SqliteWarningStore } from './sqlite-warning-store.js';

/** The SQLite binding of {@link PlatformRunStore} (`platform_runs`). */
export class SqlitePlatformRunStore implements PlatformRunStore {
  constructor(private readonly h: SqliteHandle) {}

  start(
    now: number,
    aliveSince: number | null = null,
  ): Promise<{ runId: number; before: PlatformBefore | undefined }> {
    // one synchronous call: nothing runs between the read and the insert
    return this.h.run((db) => {
      const b = db
        .prepare(
          `SELECT max(COALESCE(stopped_at, last_alive_at)) AS last,
                  max(stopped_at IS NULL AND ? IS NOT NULL AND last_alive_at >= ?) AS alive
             FROM platform_runs`,
        )
        .get(aliveSince, aliveSince) as { last: number | null; alive: number | null };
      const runId = Number(
        db.prepare('INSERT INTO platform_runs (started_at, last_alive_at) VALUES (?, ?)').run(now, now)
          .lastInsertRowid,
      );
      return {
        runId,
        before: b.last === null ? undefined : { lastAliveAt: b.last, othersAlive: b.alive === 1 },
      };
    });
  }

  alive(runId: number, now: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare('UPDATE platform_runs SET last_alive_at = MAX(last_alive_at, ?) WHERE id = ?').run(
        now,
        runId,
      );
    });
  }

  stop(runId: number, now: number): Promise<void> {
    return this.h.run((db) => {
      db.prepare('UPDATE platform_runs SET last_alive_at = ?, stopped_at = ? WHERE id = ?').run(
        now,
        now,
        runId,
      );
    });
  }
}

/** The SQLite binding of {@link HealthReadModel}. */
export class SqliteHealthReadModel implements HealthReadModel {
  constructor(private readonly h: SqliteHandle) {}

  openAlarmCount(): Promise<number> {
    return this.h.run(
      (db) =>
        (db.prepare("SELECT COUNT(*) AS n FROM alarms WHERE state != 'closed'").get() as { n: number }).n,
    );
  }

  homeIds(): Promise<string[]> {
    return this.h.run((db) =>
      (db.prepare('SELECT id FROM homes ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id),
    );
  }

  homeIncidentSpans(from: number, to: number, openEnd: number): Promise<HomeIncidentSpan[]> {
    return this.h.run(
      (db) =>
        db
          .prepare(
            `SELECT i.home_id AS homeId, IFNULL(h.region, '') AS region, i.started_at AS start,
               IFNULL(i.ended_at, ?) AS end FROM incidents i LEFT JOIN homes h ON h.id = i.home_id
             WHERE i.home_id IS NOT NULL AND i.started_at < ? AND IFNULL(i.ended_at, ?) > ?
             ORDER BY i.id`,
          )
          .all(openEnd, to, openEnd, from) as HomeIncidentSpan[],
    );
  }
}

/**
 * Every health store over one SQLite connection's shared handle or one transaction's handle. No
 * `due`: the embedded deployment keeps the sweep's schedule in memory (docs/scaling.md §4).
 */
export function sqliteHealthStores(
  db: Db | SqliteHandle,
  policy: Pick<HealthPolicy, 'bucketMs' | 'defaultIntervalS'>,
): HealthStores {
  const h = asSqliteHandle(db);
  return {
    states: new SqliteStateStore(h, policy.bucketMs, policy.defaultIntervalS),
    incidents: new SqliteIncidentStore(h),
    warnings: new SqliteWarningStore(h),
    alerts: new SqliteBudgetAlertStore(h),
    platformRuns: new SqlitePlatformRunStore(h),
    readModel: new SqliteHealthReadModel(h),
  };
}
