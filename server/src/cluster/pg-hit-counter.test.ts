import { afterAll, beforeAll, describe } from 'vitest';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { PgHitCounter } from './pg-hit-counter.js';
import { hitCounterContract } from './testing-hit-counter.js';

// Instances alternate between two pools on one throwaway PostgreSQL.
describe.skipIf(!needPostgres())('PgHitCounter', () => {
  let pgc: ThrowawayPostgres;
  let a: PgDatabase;
  let b: PgDatabase;
  let made = 0;
  beforeAll(async () => {
    pgc = await startPostgres();
    const url = await pgc.createDatabase();
    a = new PgDatabase(url);
    b = new PgDatabase(url);
    await runPgMigrations(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pgc?.stop();
  });

  hitCounterContract(
    'PostgreSQL (two pools, one database)',
    (name, max, windowMs, clock) => new PgHitCounter(made++ % 2 === 0 ? a : b, name, max, windowMs, clock),
    true,
  );
});
