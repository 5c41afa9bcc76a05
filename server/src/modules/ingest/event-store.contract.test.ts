import { describe } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createPgRepositories } from '../../store/pg/index.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { pgStorage, sqliteStorage } from '../../store/storage.js';
import { needPostgres, usePostgres } from '../../store/testing/store-fixture.js';
import { eventStoreContract } from './testing/event-store-contract.js';

eventStoreContract('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  return {
    stores: { storage: sqliteStorage(db), repos: createSqliteRepositories(db) },
    dispose: async () => void db.close(),
  };
});

describe.skipIf(!needPostgres())('event store on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store('events, check_reports, gateways, homes, clients', (db) => ({
    storage: pgStorage(db),
    repos: createPgRepositories(db),
  }));
  eventStoreContract('PostgreSQL', make);
});
