import type { SqliteHandle } from './sqlite-async.js';
import { type Storage, type StoreHandle, sqliteStoreHandle } from './storage.js';
import type { StorageHealth } from './storage-health.js';

/** SQLite's count of rows this connection has changed since it opened. */
const TOTAL_CHANGES = 'SELECT total_changes() AS n';

async function changesOn(tx: StoreHandle): Promise<number> {
  if (tx.kind !== 'sqlite') return 0;
  return tx.sqlite.run((db) => (db.prepare(TOTAL_CHANGES).get() as { n: number }).n);
}

/**
 * Runs one transaction, telling `health` what the disk did: a refused write
 * ({@link StorageHealth.refused}), or a commit that wrote something ({@link StorageHealth.wrote}).
 * Only while the disk is in trouble does it ask SQLite whether the transaction changed a row (a
 * transaction that only read proves nothing); on PostgreSQL every commit counts.
 */
async function watched<T>(
  health: StorageHealth,
  run: (fn: (tx: StoreHandle) => Promise<T>) => Promise<T>,
  fn: (tx: StoreHandle) => Promise<T>,
): Promise<T> {
  let wrote = true;
  try {
    const out = await run(async (tx) => {
      if (!health.trouble || tx.kind !== 'sqlite') return fn(tx);
      const before = await changesOn(tx);
      const r = await fn(tx);
      wrote = (await changesOn(tx)) > before;
      return r;
    });
    if (wrote) health.wrote();
    return out;
  } catch (e) {
    health.refused(e);
    throw e;
  }
}

/**
 * The deployment's storage with its disk watched (store README, "A disk that refuses writes"):
 * every transaction — `storage.transaction` and those of stores built on the shared handle — and
 * every call on the shared SQLite handle reports a write the disk refused to `health`, and a
 * transaction that commits a change reports that writes succeed again. The same database, the
 * same errors: callers see no difference.
 */
export function watchStorage(storage: Storage, health: StorageHealth): Storage {
  if (storage.handle.kind !== 'sqlite')
    return {
      kind: storage.kind,
      handle: storage.handle,
      transaction: (fn) => watched(health, (f) => storage.transaction(f), fn),
    };
  const shared = storage.handle.sqlite;
  const handle: SqliteHandle = {
    run: (f) =>
      shared.run(f).catch((e: unknown) => {
        health.refused(e);
        throw e;
      }),
    transaction: <T>(fn: (tx: SqliteHandle) => Promise<T>) =>
      watched<T>(
        health,
        (f) => shared.transaction((tx) => f(sqliteStoreHandle(tx))),
        (tx) => fn((tx as Extract<StoreHandle, { kind: 'sqlite' }>).sqlite),
      ),
  };
  return {
    kind: 'sqlite',
    handle: sqliteStoreHandle(handle),
    transaction: (fn) => watched(health, (f) => shared.transaction((tx) => f(sqliteStoreHandle(tx))), fn),
  };
}
