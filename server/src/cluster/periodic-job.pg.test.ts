import { afterAll, beforeAll, describe } from 'vitest';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { PgLease } from '../store/pg/pg-lease.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { periodicJobContract } from './testing-periodic.js';

// Two "instances" with a pool each on one throwaway PostgreSQL, the lease's clock injected.
describe.skipIf(!needPostgres())('periodic work under the PostgreSQL lease', () => {
  let cluster: ThrowawayPostgres;
  let a: PgDatabase;
  let b: PgDatabase;
  let made = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    a = new PgDatabase(url);
    b = new PgDatabase(url);
    await runPgMigrations(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });

  // Instances alternate: the first job of a test is on pool a, the second on pool b.
  periodicJobContract(
    'PgLease (two pools, one database)',
    (name, clock) => new PgLease(made++ % 2 === 0 ? a : b, name, { clock }),
  );
});
