import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { openDatabase } from '../database.js';
import { runPgMigrations } from '../pg/migrate.js';
import { PgDatabase } from '../pg/pg-database.js';
import { type SqliteHandle, sqliteHandle } from '../sqlite-async.js';

/** One binding's store (or store set) over an empty, migrated database, and how to let go of it. */
export interface StoreUnderTest<S> {
  stores: S;
  dispose(): Promise<void>;
}

/** Makes a fresh store for each test of a module's contract suite. */
export type MakeStore<S> = () => Promise<StoreUnderTest<S>>;

/**
 * Registers the per-test set-up of a contract suite; returns a getter for the current test's
 * stores (call it inside `it`).
 */
export function useStore<S>(make: MakeStore<S>): () => S {
  let current: StoreUnderTest<S> | undefined;
  beforeEach(async () => {
    current = await make();
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('stores are only available inside a test');
    return current.stores;
  };
}

/** A module store's SQLite binding under test: a fresh migrated in-memory database per test. */
export function sqliteStore<S>(build: (h: SqliteHandle) => S): MakeStore<S> {
  return async () => {
    const db = openDatabase(':memory:');
    return { stores: build(sqliteHandle(db)), dispose: async () => void db.close() };
  };
}

/**
 * A throwaway PostgreSQL cluster for a test file (register inside a `describe.skipIf(!needPostgres())`):
 * one migrated database with a Dutch linguistic default collation, as in production. `fresh(tables)`
 * empties the given tables before a test; `db()` is the pool.
 */
export function usePostgres(): {
  db(): PgDatabase;
  store<S>(tables: string, build: (db: PgDatabase) => S): MakeStore<S>;
} {
  let cluster: ThrowawayPostgres | undefined;
  let db: PgDatabase | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
    db = new PgDatabase(await cluster.createDatabase({ icuLocale: 'nl-NL' }), { max: 12 });
    await runPgMigrations(db);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
  });
  const pool = (): PgDatabase => {
    if (!db) throw new Error('PostgreSQL is only available inside a test');
    return db;
  };
  return {
    db: pool,
    store: (tables, build) => async () => {
      await pool().sql.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
      return { stores: build(pool()), dispose: async () => undefined };
    },
  };
}

export { needPostgres };
