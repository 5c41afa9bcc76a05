import { describe } from 'vitest';
import { createPgRepositories } from '../../store/pg/index.js';
import type { Repositories } from '../../store/repositories/index.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { needPostgres, sqliteStore, usePostgres } from '../../store/testing/store-fixture.js';
import { PgOutbox } from './pg-outbox.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { outboxContract } from './testing/outbox-contract.js';

/** Two homes, each with an outbound account row (`acc-1`, `acc-2`): the outbox's foreign keys. */
async function seed(repos: Repositories, insert: (id: string, homeId: string) => Promise<void>) {
  const c = await repos.clients.createClient({ name: 'Client' }, 1);
  for (const n of [1, 2]) {
    const h = await repos.clients.createHome({ clientId: c.id, address: `Straat ${n}` }, 1);
    await insert(`acc-${n}`, h.id);
  }
}
const ACCOUNT = `INSERT INTO dc09_out_accounts (id, home_id, account, content, created_at, updated_at)
  VALUES ($1, $2, '1234', 'SIA-DCS', 1, 1)`;

const sqlite = sqliteStore((h) => h);
outboxContract('SQLite (in memory)', async () => {
  const { stores: h, dispose } = await sqlite();
  const db = await h.run((d) => d);
  const repos = createSqliteRepositories(db);
  await seed(repos, async (id, homeId) => void db.prepare(ACCOUNT.replace(/\$\d/g, '?')).run(id, homeId));
  return { stores: { outbox: new SqliteOutbox(db) }, dispose };
});

describe.skipIf(!needPostgres())('outbox on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store('dc09_outbox, dc09_out_receivers, dc09_out_accounts, homes, clients', (db) => db);
  outboxContract('PostgreSQL', async () => {
    const { stores: db, dispose } = await make();
    await seed(
      createPgRepositories(db),
      async (id, homeId) => void (await db.sql.query(ACCOUNT, [id, homeId])),
    );
    return { stores: { outbox: new PgOutbox(db) }, dispose };
  });
});
