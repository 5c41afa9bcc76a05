import { afterAll, beforeAll, describe } from 'vitest';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { repositoryContracts } from '../testing/all-contracts.js';
import { createPgRepositories } from './index.js';
import { runPgMigrations } from './migrate.js';
import { PgDatabase } from './pg-database.js';

const CORE_TABLES =
  'users, sessions, api_tokens, clients, homes, contact_persons, gateways, devices, device_status_history, enrolment_tokens';

describe.skipIf(!needPostgres())('PostgreSQL bindings', () => {
  let cluster: ThrowawayPostgres;
  let db: PgDatabase;
  beforeAll(async () => {
    cluster = await startPostgres();
    db = new PgDatabase(await cluster.createDatabase());
    await runPgMigrations(db);
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
  });

  // One migrated database for the file; each test starts from empty tables.
  repositoryContracts('PostgreSQL', async () => {
    await db.sql.query(`TRUNCATE ${CORE_TABLES} RESTART IDENTITY CASCADE`);
    return { repos: createPgRepositories(db), dispose: async () => undefined };
  });
});
