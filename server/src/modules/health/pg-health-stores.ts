import type { PgHandle } from '../../store/pg/pg-database.js';
import type { HealthPolicy } from './health-policy.js';
import type {
  DueStore,
  HealthReadModel,
  HealthStores,
  HomeIncidentSpan,
  PlatformBefore,
  PlatformRunStore,
} from './health-stores.js';
import { PgBudgetAlertStore } from './pg-budget-alert-store.js';
import { PgIncidentStore } from './pg-incident-store.js';
import { PgStateStore } from './pg-state-store.js';
import { PgWarningStore } from './pg-warning-store.js';
import { byCodePoint } from './state-store.js';

/** Key of the transaction-scoped advisory lock that serialises instances' starts ("baken" 50). */
const PLATFORM_RUNS_LOCK = 0x62616b656e50;

/** The PostgreSQL binding of {@link PlatformRunStore} (`platform_runs`): one row per instance's run. */
export class PgPlatformRunStore implements PlatformRunStore {
  constructor(private readonly db: PgHandle) {}

  async start(
    now: number,
    aliveSince: number | null = null,
  ): Promise<{ runId: number; before: PlatformBefore | undefined }> {
    return this.db.transaction(async (tx) => {
      // instances starting together read and insert in turn: the second sees the first alive
      await tx.sql.query('SELECT pg_advisory_xact_lock($1)', [PLATFORM_RUNS_LOCK]);
      const b = (
        await tx.sql.query<{ last: number | null; alive: boolean | null }>(
          `SELECT max(COALESCE(stopped_at, last_alive_at)) AS last,
                  bool_or(stopped_at IS NULL AND last_alive_at >= $1::bigint) AS alive
             FROM platform_runs`,
          [aliveSince],
        )
      ).rows[0];
      const runId = (
        await tx.sql.query<{ id: number }>(
          'INSERT INTO platform_runs (started_at, last_alive_at) VALUES ($1, $1) RETURNING id',
          [now],
        )
      ).rows[0]!.id;
      const last = b?.last ?? null;
      return {
        runId,
        before: last === null ? undefined : { lastAliveAt: Number(last), othersAlive: b?.alive === true },
      };
    });
  }

  async alive(runId: number, now: number): Promise<void> {
    await this.db.sql.query(
      'UPDATE platform_runs SET last_alive_at = GREATEST(last_alive_at, $1) WHERE id = $2',
      [now, runId],
    );
  }

  async stop(runId: number, now: number): Promise<void> {
    await this.db.sql.query('UPDATE platform_runs SET last_alive_at = $1, stopped_at = $1 WHERE id = $2', [
      now,
      runId,
    ]);
  }
}

/** The PostgreSQL binding of {@link HealthReadModel} (reads the core `homes` and the alarms table). */
export class PgHealthReadModel implements HealthReadModel {
  constructor(private readonly db: PgHandle) {}

  async openAlarmCount(): Promise<number> {
    return (
      await this.db.sql.query<{ n: number }>("SELECT COUNT(*) AS n FROM alarms WHERE state != 'closed'")
    ).rows[0]!.n;
  }

  async homeIds(): Promise<string[]> {
    return (await this.db.sql.query<{ id: string }>('SELECT id FROM homes ORDER BY id COLLATE "C"')).rows.map(
      (r) => r.id,
    );
  }

  async homeIncidentSpans(from: number, to: number, openEnd: number): Promise<HomeIncidentSpan[]> {
    return (
      await this.db.sql.query<HomeIncidentSpan>(
        `SELECT i.home_id AS "homeId", COALESCE(h.region, '') AS region, i.started_at AS start,
           COALESCE(i.ended_at, $1) AS "end" FROM incidents i LEFT JOIN homes h ON h.id = i.home_id
         WHERE i.home_id IS NOT NULL AND i.started_at < $2 AND COALESCE(i.ended_at, $1) > $3
         ORDER BY i.id`,
        [openEnd, to, from],
      )
    ).rows;
  }
}

/** The PostgreSQL binding of {@link DueStore} (`health_due`, migration 050). */
export class PgDueStore implements DueStore {
  constructor(private readonly db: PgHandle) {}

  async schedule(gatewayId: string, at: number): Promise<void> {
    if (!Number.isFinite(at)) {
      await this.db.sql.query('DELETE FROM health_due WHERE gateway_id = $1', [gatewayId]);
      return;
    }
    await this.db.sql.query(
      `INSERT INTO health_due (gateway_id, due_at) VALUES ($1, $2)
       ON CONFLICT (gateway_id) DO UPDATE SET due_at = EXCLUDED.due_at`,
      [gatewayId, Math.ceil(at)],
    );
  }

  async scheduleAll(at: ReadonlyMap<string, number>): Promise<void> {
    // in one order (code points), so two instances lock the rows in the same order
    const ids = byCodePoint([...at.keys()], (id) => id);
    const set = ids.filter((id) => Number.isFinite(at.get(id)));
    const unset = ids.filter((id) => !Number.isFinite(at.get(id)));
    if (unset.length > 0)
      await this.db.sql.query('DELETE FROM health_due WHERE gateway_id = ANY($1::text[])', [unset]);
    if (set.length > 0)
      await this.db.sql.query(
        `INSERT INTO health_due (gateway_id, due_at) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (gateway_id) DO UPDATE SET due_at = EXCLUDED.due_at`,
        [set, set.map((id) => Math.ceil(at.get(id) as number))],
      );
  }

  async due(now: number, limit: number): Promise<string[]> {
    const r = await this.db.sql.query<{ id: string }>(
      'SELECT gateway_id AS id FROM health_due WHERE due_at <= $1 ORDER BY due_at, gateway_id COLLATE "C" LIMIT $2',
      [now, limit],
    );
    return r.rows.map((x) => x.id);
  }
}

/** Every health store over a PostgreSQL pool or one transaction's handle, with the sweep's schedule. */
export function pgHealthStores(
  db: PgHandle,
  policy: Pick<HealthPolicy, 'bucketMs' | 'defaultIntervalS'>,
): HealthStores {
  return {
    states: new PgStateStore(db, policy.bucketMs, policy.defaultIntervalS),
    incidents: new PgIncidentStore(db),
    warnings: new PgWarningStore(db),
    alerts: new PgBudgetAlertStore(db),
    platformRuns: new PgPlatformRunStore(db),
    readModel: new PgHealthReadModel(db),
    due: new PgDueStore(db),
  };
}
