import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { openDatabase } from '../database.js';
import { repositoryContracts } from '../testing/all-contracts.js';
import { leaseContract, leaseKeeperContract } from '../testing/lease-contract.js';
import { pgColumns, sqliteColumns } from '../testing/schema-mirror.js';
import { createPgRepositories } from './index.js';
import { runPgMigrations } from './migrate.js';
import { pgMigrations } from './migrations/index.js';
import { PgDatabase } from './pg-database.js';
import { PgLease } from './pg-lease.js';

const CORE_TABLES =
  'users, sessions, api_tokens, clients, homes, contact_persons, gateways, devices, device_status_history, enrolment_tokens';

// One cluster and one migrated database for the file; each repository test starts from empty tables.
describe.skipIf(!needPostgres())('PostgreSQL store', () => {
  let cluster: ThrowawayPostgres;
  let db: PgDatabase;
  beforeAll(async () => {
    cluster = await startPostgres();
    // A Dutch linguistic default collation, as in production: the ordering checks of the
    // contract then show that the binding sorts as SQLite does (code points), not as the locale.
    db = new PgDatabase(await cluster.createDatabase({ icuLocale: 'nl-NL' }));
    await runPgMigrations(db);
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
  });

  repositoryContracts('PostgreSQL', async () => {
    await db.sql.query(`TRUNCATE ${CORE_TABLES} RESTART IDENTITY CASCADE`);
    return { repos: createPgRepositories(db), dispose: async () => undefined };
  });

  leaseContract('PgLease (injected clock)', (name, clock) => new PgLease(db, name, { clock }));
  leaseKeeperContract('PgLease', (name, clock) => new PgLease(db, name, { clock }));

  it('repositories built on a transaction handle commit together or not at all; nested calls are savepoints', async () => {
    await db.sql.query(`TRUNCATE ${CORE_TABLES} RESTART IDENTITY CASCADE`);
    const user = { username: 'tx', displayName: 'Tx', role: 'admin' as const, passwordHash: 'h' };
    const failed = await db
      .transaction(async (tx) => {
        const repos = createPgRepositories(tx);
        await repos.users.create(user, 1);
        await repos.clients.createClient({ name: 'inside' }, 1); // its own transaction nests
        throw new Error('rolled back');
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe('rolled back');
    const repos = createPgRepositories(db);
    expect(await repos.users.count()).toBe(0);
    expect(await repos.clients.listClients(10, 0)).toEqual([]);
    await db.transaction(async (tx) => {
      const inner = createPgRepositories(tx);
      await inner.users.create(user, 1);
      // a failed nested step rolls back to its savepoint; the outer transaction goes on
      await expect(
        inner.devices.upsertMany(
          [{ serial: 'X', type: 'pendant', status: 'bad' as never }],
          { userId: null },
          1,
        ),
      ).rejects.toBeTruthy();
      await inner.clients.createClient({ name: 'kept' }, 1);
    });
    expect(await repos.users.count()).toBe(1);
    expect((await repos.clients.listClients(10, 0)).map((c) => c.name)).toEqual(['kept']);
    expect(await repos.devices.all()).toEqual([]);
  });

  it('PgLease on the database clock: granted for the TTL from the database now', async () => {
    const lease = new PgLease(db, 'db-clock');
    expect(await lease.tryAcquire('a', 60_000)).toBe(true);
    expect(await new PgLease(db, 'db-clock').tryAcquire('b', 60_000)).toBe(false);
    expect(await lease.holder()).toBe('a');
    const r = await db.sql.query<{ left: number }>(
      "SELECT expires_at - floor(extract(epoch FROM now()) * 1000)::bigint AS left FROM leases WHERE name = 'db-clock'",
    );
    expect(r.rows[0]!.left).toBeGreaterThan(50_000);
    expect(r.rows[0]!.left).toBeLessThanOrEqual(60_000);
    expect(await lease.renew('a', 1)).toBe(true);
    await lease.release('a');
    expect(await lease.holder()).toBeNull();
  });

  it('mirrors the SQLite schema of the core tables: the same columns, nullable alike', async () => {
    const sqlite = openDatabase(':memory:');
    try {
      for (const table of CORE_TABLES.split(', ')) {
        const lite = sqliteColumns(sqlite, table);
        const pgCols = await pgColumns(db, table);
        expect({ table, columns: pgCols }).toEqual({ table, columns: lite });
      }
    } finally {
      sqlite.close();
    }
  });

  it('migrations: a second run applies nothing; instances starting together apply each once', async () => {
    expect(await runPgMigrations(db)).toEqual([]);
    const fresh = await cluster.createDatabase();
    const a = new PgDatabase(fresh);
    const b = new PgDatabase(fresh);
    try {
      const [x, y] = await Promise.all([runPgMigrations(a), runPgMigrations(b)]);
      const all = pgMigrations.map((m) => m.version);
      expect([...x, ...y].sort((p, q) => p - q)).toEqual(all);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('migrations: refuses a database written by a newer build', async () => {
    const other = new PgDatabase(await cluster.createDatabase());
    try {
      await runPgMigrations(other);
      await other.sql.query("INSERT INTO schema_migrations VALUES (9999, 'future', 0)");
      await expect(runPgMigrations(other)).rejects.toMatchObject({ code: 'BAKEN_ERR_STORE' });
    } finally {
      await other.close();
    }
  });
});
