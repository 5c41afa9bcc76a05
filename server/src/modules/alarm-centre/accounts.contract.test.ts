import { describe } from 'vitest';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { CENTRE_TABLES, pgCentre, sqliteCentre } from './testing/centre-fixture.js';
import { inAccountsContract } from './testing/in-accounts-contract.js';
import { inLogContract } from './testing/in-log-contract.js';
import { outAccountsContract } from './testing/out-accounts-contract.js';

const sqlite = sqliteCentre(sqliteStore((h) => h));
outAccountsContract('SQLite (in memory)', sqlite);
inAccountsContract('SQLite (in memory)', sqlite);
inLogContract('SQLite (in memory)', sqlite);

describe.skipIf(!needPostgres())('alarm-centre accounts and inbound log on PostgreSQL', () => {
  const pg = pgCentre(usePostgres().store(CENTRE_TABLES, (db) => db));
  outAccountsContract('PostgreSQL', pg);
  inAccountsContract('PostgreSQL', pg);
  inLogContract('PostgreSQL', pg);
});
