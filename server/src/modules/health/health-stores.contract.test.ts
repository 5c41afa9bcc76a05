import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createPgRepositories } from '../../store/pg/index.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { pgStorage, sqliteStorage } from '../../store/storage.js';
import { pgColumns, sqliteColumns } from '../../store/testing/schema-mirror.js';
import { needPostgres, usePostgres } from '../../store/testing/store-fixture.js';
import { healthStoresOn } from './health-stores-on.js';
import { healthStoreContracts } from './testing/all-health-contracts.js';
import { POLICY } from './testing/health-fixture.js';

/** The health tables both databases have (PostgreSQL's `health_due` has no SQLite twin). */
const HEALTH_TABLES = [
  'gateway_state',
  'device_state',
  'gateway_buckets',
  'incidents',
  'budget_alerts',
  'device_warnings',
  'platform_runs',
];

healthStoreContracts('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  const storage = sqliteStorage(db);
  const alarm = db.prepare(
    `INSERT INTO alarms (id, event_id, gateway_id, device_id, kind, state, raised_at, created_at)
     VALUES (?, ?, 'gw', 'd', 'alarm', ?, 1, 1)`,
  );
  return {
    stores: {
      storage,
      stores: healthStoresOn(storage.handle, POLICY),
      repos: createSqliteRepositories(db),
      addAlarm: async (id, state) => void alarm.run(id, `ev-${id}`, state),
    },
    dispose: async () => void db.close(),
  };
});

// One throwaway cluster for the file (skips without PostgreSQL, fails under CI); empty tables per test.
describe.skipIf(!needPostgres())('health stores on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store(
    [...HEALTH_TABLES, 'health_due', 'gateways', 'homes', 'clients', 'users'].join(', '),
    (db) => db,
  );
  healthStoreContracts('PostgreSQL', async () => {
    const { stores: db, dispose } = await make();
    const storage = pgStorage(db);
    const hasAlarms =
      (await db.sql.query<{ t: string | null }>("SELECT to_regclass('alarms')::text AS t")).rows[0]?.t !=
      null;
    return {
      stores: {
        storage,
        stores: healthStoresOn(storage.handle, POLICY),
        repos: createPgRepositories(db),
        addAlarm: hasAlarms
          ? async (id, state) =>
              void (await db.sql.query(
                `INSERT INTO alarms (id, event_id, gateway_id, device_id, kind, state, raised_at, created_at)
                 VALUES ($1, $2, 'gw', 'd', 'alarm', $3, 1, 1)`,
                [id, `ev-${id}`, state],
              ))
          : null,
      },
      dispose,
    };
  });

  it('mirrors the SQLite health tables: the same columns, nullable alike', async () => {
    const sqlite = openDatabase(':memory:');
    try {
      for (const table of HEALTH_TABLES)
        expect({ table, columns: await pgColumns(pg.db(), table) }).toEqual({
          table,
          columns: sqliteColumns(sqlite, table),
        });
    } finally {
      sqlite.close();
    }
  });
});
