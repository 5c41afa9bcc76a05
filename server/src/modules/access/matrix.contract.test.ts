import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createPgRepositories } from '../../store/pg/index.js';
import { runPgMigrations } from '../../store/pg/migrate.js';
import { PgDatabase } from '../../store/pg/pg-database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { PgCarerConsents } from './pg-carer-consents.js';
import { PgMatrixStore } from './pg-matrix-store.js';
import { SqliteCarerConsents } from './sqlite-carer-consents.js';
import { SqliteMatrixStore } from './sqlite-matrix-store.js';
import { matrixContract } from './testing/matrix-contract.js';

matrixContract('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  return {
    matrix: new SqliteMatrixStore(db),
    consents: new SqliteCarerConsents(db),
    repos: createSqliteRepositories(db),
    dispose: async () => {
      db.close();
    },
  };
});

const TABLES = `access_functions, access_windows, teams, team_clients, team_regions, employee_functions,
  team_members, access_declarations, access_matrix_reviews, access_holders, access_carer_consents,
  users, clients, homes`;

// A throwaway cluster (Dutch linguistic default collation, as in production); skips without
// PostgreSQL, fails under CI.
describe.skipIf(!needPostgres())('the matrix on PostgreSQL', () => {
  let cluster: ThrowawayPostgres;
  let db: PgDatabase;
  beforeAll(async () => {
    cluster = await startPostgres();
    db = new PgDatabase(await cluster.createDatabase({ icuLocale: 'nl-NL' }));
    await runPgMigrations(db);
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
  });

  matrixContract('PostgreSQL', async () => {
    await db.sql.query(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    return {
      matrix: new PgMatrixStore(db),
      consents: new PgCarerConsents(db),
      repos: createPgRepositories(db),
      dispose: async () => undefined,
    };
  });
});
