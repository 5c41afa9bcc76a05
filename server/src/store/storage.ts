import type { Db } from './database.js';
import type { PgDatabase, PgHandle } from './pg/pg-database.js';
import { type SqliteHandle, sqliteHandle } from './sqlite-async.js';

/**
 * What a module store is built from, whichever database the deployment runs on: the shared
 * handle, or one transaction's (store README, "Module stores on PostgreSQL"). A module picks its
 * binding with {@link bindStore}; domain code only sees the module's interfaces.
 */
export type StoreHandle =
  | { readonly kind: 'sqlite'; readonly sqlite: SqliteHandle }
  | { readonly kind: 'postgres'; readonly pg: PgHandle };

/** The deployment's database as the modules see it: `app.baken.storage`. */
export interface Storage {
  readonly kind: StoreHandle['kind'];
  /** The shared handle: stores built on it run each call on its own (or queue behind a transaction). */
  readonly handle: StoreHandle;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it rejects. Every
   * store `fn` builds on `tx` commits or rolls back with it; the shared stores must not be used
   * inside (SQLite refuses that with `BAKEN_ERR_STORE`: it would wait for itself).
   */
  transaction<T>(fn: (tx: StoreHandle) => Promise<T>): Promise<T>;
}

/** Builds a module store on `h` with the binding of its database. */
export function bindStore<S>(
  h: StoreHandle,
  bindings: { sqlite: (h: SqliteHandle) => S; postgres: (h: PgHandle) => S },
): S {
  return h.kind === 'sqlite' ? bindings.sqlite(h.sqlite) : bindings.postgres(h.pg);
}

/** The handle of a SQLite connection or transaction. */
export function sqliteStoreHandle(h: SqliteHandle): StoreHandle {
  return { kind: 'sqlite', sqlite: h };
}

/** The handle of a PostgreSQL pool or transaction. */
export function pgStoreHandle(h: PgHandle): StoreHandle {
  return { kind: 'postgres', pg: h };
}

/** Runs `fn` in one transaction of `h`'s database ({@link Storage.transaction} on a handle). */
export function transactionOn<T>(h: StoreHandle, fn: (tx: StoreHandle) => Promise<T>): Promise<T> {
  return h.kind === 'sqlite'
    ? h.sqlite.transaction((tx) => fn(sqliteStoreHandle(tx)))
    : h.pg.transaction((tx) => fn(pgStoreHandle(tx)));
}

/** The storage of a handle: its kind, the handle, and transactions on it. */
function storageOn(handle: StoreHandle): Storage {
  return { kind: handle.kind, handle, transaction: (fn) => transactionOn(handle, fn) };
}

/** The embedded deployment's storage: one SQLite connection (its shared async handle). */
export function sqliteStorage(db: Db): Storage {
  return storageOn(sqliteStoreHandle(sqliteHandle(db)));
}

/** The clustered deployment's storage: a PostgreSQL pool. */
export function pgStorage(db: PgDatabase): Storage {
  return storageOn(pgStoreHandle(db));
}
