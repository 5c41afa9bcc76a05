import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { type PgCluster, pgCluster } from './pg-cluster.js';

// Two server instances (apps) counting failed logins in one throwaway PostgreSQL.
describe.skipIf(!needPostgres())('login rate limits across two instances (PostgreSQL)', () => {
  let pgc: ThrowawayPostgres;
  const dbs: PgDatabase[] = [];
  const clusters: PgCluster[] = [];
  const apps: TestApp[] = [];
  beforeAll(async () => {
    pgc = await startPostgres();
    const url = await pgc.createDatabase();
    const clock = new ManualClock();
    for (const name of ['a', 'b']) {
      const db = new PgDatabase(url);
      if (name === 'a') await runPgMigrations(db);
      dbs.push(db);
      const c = pgCluster({ db, url, clock, instanceId: name });
      await c.start();
      clusters.push(c);
      apps.push(
        await testApp({ auth: { loginMaxFailuresPerUser: 3, loginMaxFailuresPerIp: 100 } }, { cluster: c }),
      );
    }
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const c of clusters) await c.stop();
    for (const d of dbs) await d.close();
    await pgc?.stop();
  });

  const login = (i: number) =>
    apps[i]!.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'piet', password: 'not-his-password' },
    });

  it('failures on one instance count on the other: the budget is the deployment’s', async () => {
    expect((await login(0)).statusCode).toBe(401);
    expect((await login(1)).statusCode).toBe(401);
    expect((await login(0)).statusCode).toBe(401);
    const limited = await login(1);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('BAKEN_ERR_RATE_LIMITED');
    const rows = await dbs[0]!.sql.query<{ key_hash: string }>('SELECT key_hash FROM rate_limit_hits');
    expect(rows.rows.some((r) => r.key_hash.includes('piet'))).toBe(false); // keys only as hashes
  });
});
