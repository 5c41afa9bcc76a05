import { describe, expect, it } from 'vitest';
import type { PgDatabase } from '../../store/pg/pg-database.js';
import { needPostgres } from '../../store/testing/store-fixture.js';
import { usePgInstances } from '../../testing/pg-instances.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { PgPlatformRunStore } from './pg-health-stores.js';
import { PgIncidentStore } from './pg-incident-store.js';
import { PlatformUptime } from './platform-uptime.js';
import { T0 } from './testing/health-fixture.js';

const ALIVE_MS = DEFAULT_HEALTH_POLICY.platformAliveMs;
const MIN = 60_000;

// The platform's uptime is the region's (store README, "What runs under a lease"): two instances,
// a pool each, on one PostgreSQL, with the clock injected as the instants passed in.
describe.skipIf(!needPostgres())('platform uptime with several instances on PostgreSQL', () => {
  const pg = usePgInstances();

  /** One server instance's run of the platform, as the health service keeps it in clustered mode. */
  const instance = (db: PgDatabase) =>
    new PlatformUptime(new PgPlatformRunStore(db), new PgIncidentStore(db), 3 * ALIVE_MS);
  const platformIncidents = async (db: PgDatabase) =>
    (
      await db.sql.query<{ startedAt: number; endedAt: number; downtimeMs: number }>(
        `SELECT started_at AS "startedAt", ended_at AS "endedAt", downtime_ms AS "downtimeMs"
           FROM incidents WHERE subject_kind = 'platform' ORDER BY id`,
      )
    ).rows;

  it('records no outage when one instance restarts while the other lives, and one of the right length when both died', async () => {
    const dbA = pg.next();
    const dbB = pg.next();
    await dbA.sql.query('TRUNCATE platform_runs, incidents CASCADE');
    let a = instance(dbA);
    let b = instance(dbB);
    expect(await a.start(T0)).toBeUndefined();
    expect(await b.start(T0 + 300)).toBeUndefined();
    /** Both instances' signs of life, every second from `from` to `to` (B half a second later). */
    const live = async (from: number, to: number, who = [a, b]) => {
      for (let t = from; t <= to; t += ALIVE_MS) {
        await who[0]?.alive(t);
        await who[1]?.alive(t + 500);
      }
    };
    await live(T0 + ALIVE_MS, T0 + MIN);

    // A is killed (no clean stop) and starts again 5 s later while B lives on
    await live(T0 + MIN + ALIVE_MS, T0 + MIN + 5_000, [b]);
    a = instance(dbA);
    expect(await a.start(T0 + MIN + 5_000)).toBeUndefined();
    // B stops cleanly and starts again 2 s later while A lives on
    await b.stop(T0 + MIN + 5_500);
    await live(T0 + MIN + 6_000, T0 + MIN + 7_000, [a]);
    b = instance(dbB);
    expect(await b.start(T0 + MIN + 7_500)).toBeUndefined();
    expect(await platformIncidents(dbA)).toEqual([]);

    // Both are killed: B's last sign of life at T1, A's half a second before
    const T1 = T0 + 2 * MIN + 500;
    await live(T0 + MIN + 8_000, T1 - 500);
    // ten minutes later B starts first, then A
    b = instance(dbB);
    const gap = await b.start(T1 + 10 * MIN);
    expect(gap).toMatchObject({ subjectKind: 'platform', startedAt: T1, endedAt: T1 + 10 * MIN });
    a = instance(dbA);
    expect(await a.start(T1 + 10 * MIN + 2_000)).toBeUndefined();
    expect(await platformIncidents(dbB)).toEqual([
      { startedAt: T1, endedAt: T1 + 10 * MIN, downtimeMs: 10 * MIN },
    ]);
  });

  it('records one outage when both instances start at the same instant after it', async () => {
    const dbA = pg.next();
    const dbB = pg.next();
    await dbA.sql.query('TRUNCATE platform_runs, incidents CASCADE');
    const first = instance(dbA);
    await first.start(T0);
    await first.alive(T0 + 30_000);
    // the whole region was down for 5 minutes; both instances come back together
    const gaps = await Promise.all([instance(dbA).start(T0 + 330_000), instance(dbB).start(T0 + 330_000)]);
    expect(gaps.filter((g) => g !== undefined)).toHaveLength(1);
    expect(await platformIncidents(dbA)).toEqual([
      { startedAt: T0 + 30_000, endedAt: T0 + 330_000, downtimeMs: 300_000 },
    ]);
  });
});
