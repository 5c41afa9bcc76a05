import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { createPgRepositories } from '../../store/pg/index.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { needPostgres, usePostgres } from '../../store/testing/store-fixture.js';
import { PgPendantPairings } from './pg-pendant-pairings.js';
import { SqlitePendantPairings } from './sqlite-pendant-pairings.js';
import { CONTRACT_MASTER, pendantPairingsContract } from './testing/pendant-pairings-contract.js';

pendantPairingsContract('SQLite (in memory)', async () => {
  const db = openDatabase(':memory:');
  return {
    stores: {
      pairings: new SqlitePendantPairings(db, CONTRACT_MASTER),
      otherMaster: new SqlitePendantPairings(db, randomBytes(32)),
      devices: createSqliteRepositories(db).devices,
      sealedKey: async (id) =>
        (
          db.prepare('SELECT key_sealed FROM pendant_pairings WHERE device_id = ?').get(id) as
            | { key_sealed: string | null }
            | undefined
        )?.key_sealed,
    },
    dispose: async () => void db.close(),
  };
});

describe.skipIf(!needPostgres())('pendant pairings on PostgreSQL', () => {
  const pg = usePostgres();
  pendantPairingsContract(
    'PostgreSQL',
    pg.store('pendant_pairings, device_status_history, devices', (db) => ({
      pairings: new PgPendantPairings(db, CONTRACT_MASTER),
      otherMaster: new PgPendantPairings(db, randomBytes(32)),
      devices: createPgRepositories(db).devices,
      sealedKey: async (id) =>
        (
          await db.sql.query<{ key_sealed: string | null }>(
            'SELECT key_sealed FROM pendant_pairings WHERE device_id = $1',
            [id],
          )
        ).rows[0]?.key_sealed,
    })),
  );
});
