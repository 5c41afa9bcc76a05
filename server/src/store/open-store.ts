import type { Clock } from '../clock.js';
import type { Db } from './database.js';
import { type Lease, LocalLease } from './lease.js';
import { createPgRepositories } from './pg/index.js';
import { runPgMigrations } from './pg/migrate.js';
import { PgDatabase } from './pg/pg-database.js';
import { PgLease } from './pg/pg-lease.js';
import type { Repositories } from './repositories/index.js';
import { createSqliteRepositories } from './sqlite/index.js';

/**
 * The core store, whichever database holds it: the repositories and the leases of periodic work
 * (store README, "The sweep lease"). Module stores are not here yet (store README, "Module stores
 * on PostgreSQL").
 */
export interface CoreStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly repos: Repositories;
  /** The lease of one kind of periodic work, e.g. `health.sweep`; the same object for a name. */
  lease(name: string): Lease;
  close(): Promise<void>;
}

function leases(make: (name: string) => Lease): (name: string) => Lease {
  const made = new Map<string, Lease>();
  return (name) => {
    let l = made.get(name);
    if (!l) {
      l = make(name);
      made.set(name, l);
    }
    return l;
  };
}

/** The embedded store over an open SQLite database; leases are this process's own. */
export function sqliteCoreStore(db: Db, clock: Pick<Clock, 'now'>): CoreStore {
  return {
    kind: 'sqlite',
    repos: createSqliteRepositories(db),
    lease: leases((name) => new LocalLease(name, clock)),
    close: async () => {
      db.close();
    },
  };
}

/**
 * Connects to PostgreSQL at `url` (a secret: it is never logged, and connection errors from the
 * driver do not contain it), runs pending migrations and returns the store. Leases use the
 * database's clock.
 */
export async function openPgStore(
  url: string,
  opts: { now?: number; poolSize?: number } = {},
): Promise<CoreStore & { readonly db: PgDatabase }> {
  const db = new PgDatabase(url, opts.poolSize === undefined ? {} : { max: opts.poolSize });
  try {
    await runPgMigrations(db, undefined, opts.now ?? 0);
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    kind: 'postgres',
    db,
    repos: createPgRepositories(db),
    lease: leases((name) => new PgLease(db, name)),
    close: () => db.close(),
  };
}
