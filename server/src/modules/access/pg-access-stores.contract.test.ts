import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createPgRepositories } from '../../store/pg/index.js';
import { runPgMigrations } from '../../store/pg/migrate.js';
import { PgDatabase } from '../../store/pg/pg-database.js';
import { pgColumns, sqliteColumns } from '../../store/testing/schema-mirror.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { pgAccessStores } from './pg-access-stores.js';
import { accessStoreContracts } from './testing/all-access-contracts.js';

/** The access tables of the PostgreSQL store (migration 020), emptied before each test. */
const ACCESS_TABLES = [
  'keysafe_keys',
  'keysafe_state',
  'access_blocks',
  'access_releases',
  'keysafe_commands',
  'access_alerts',
  'access_seen_events',
  'access_gateway_state',
  'access_settings',
];
const CORE_TABLES = 'users, clients, homes, gateways, devices';

// One throwaway cluster and one migrated database (a Dutch linguistic default collation, as in
// production) for the file; each test starts from empty tables. Skips without PostgreSQL, fails under CI.
describe.skipIf(!needPostgres())('access stores on PostgreSQL', () => {
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

  accessStoreContracts('PostgreSQL', async () => {
    await db.sql.query(`TRUNCATE ${[...ACCESS_TABLES, CORE_TABLES].join(', ')} RESTART IDENTITY CASCADE`);
    return {
      stores: pgAccessStores(db),
      repos: createPgRepositories(db),
      dumpTable: async (table) => JSON.stringify((await db.sql.query(`SELECT * FROM ${table}`)).rows),
      dispose: async () => undefined,
    };
  });

  it('mirrors the SQLite access tables: the same columns, nullable alike (plus the commands’ insertion order)', async () => {
    const sqlite = openDatabase(':memory:');
    try {
      for (const table of ACCESS_TABLES) {
        const lite = sqliteColumns(sqlite, table);
        const pgCols = await pgColumns(db, table, table === 'keysafe_commands' ? ['seq'] : []);
        expect({ table, columns: pgCols }).toEqual({ table, columns: lite });
      }
    } finally {
      sqlite.close();
    }
  });
});
