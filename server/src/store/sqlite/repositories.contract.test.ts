import { openDatabase } from '../database.js';
import { repositoryContracts } from '../testing/all-contracts.js';
import { createSqliteRepositories } from './index.js';

repositoryContracts('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  return {
    repos: createSqliteRepositories(db),
    dispose: async () => {
      db.close();
    },
  };
});
