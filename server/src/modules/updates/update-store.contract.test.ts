import { describe } from 'vitest';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { PgUpdateStore } from './pg-update-store.js';
import { SqliteUpdateStore } from './sqlite-update-store.js';
import { updateStoreContract } from './testing/update-store-contract.js';

updateStoreContract(
  'SQLite (in memory)',
  sqliteStore((h) => new SqliteUpdateStore(h)),
);

describe.skipIf(!needPostgres())('update store on PostgreSQL', () => {
  const pg = usePostgres();
  updateStoreContract(
    'PostgreSQL',
    pg.store('update_rollout_units, update_rollouts, update_releases', (db) => new PgUpdateStore(db)),
  );
});
