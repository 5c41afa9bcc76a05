import { openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { sqliteAccessStores } from './sqlite-access-stores.js';
import { accessStoreContracts } from './testing/all-access-contracts.js';

accessStoreContracts('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  return {
    stores: sqliteAccessStores(db),
    repos: createSqliteRepositories(db),
    dumpTable: async (table) => JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()),
    dispose: async () => {
      db.close();
    },
  };
});
