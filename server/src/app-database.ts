import type { AppContext, BakenModule } from './app-context.js';
import { BakenError } from './errors.js';
import type { Db } from './store/database.js';
import { createPgRepositories } from './store/pg/index.js';
import type { PgDatabase } from './store/pg/pg-database.js';
import { createSqliteRepositories } from './store/sqlite/index.js';
import { pgStorage, sqliteStorage } from './store/storage.js';

/**
 * The deployment's database given to `buildApp`: the embedded SQLite connection (`db`), or the
 * clustered deployment's PostgreSQL pool (`pg`, migrated: `openPgStore`). Exactly one.
 */
export type AppDatabase = { db: Db; pg?: never } | { pg: PgDatabase; db?: never };

/** What the app context holds of the database: storage, core repositories and the SQLite connection. */
export type DatabaseParts = Pick<AppContext, 'storage' | 'repos' | 'db'>;

/**
 * The database parts of the app context. On PostgreSQL there is no SQLite connection: `db` is a
 * getter that refuses with `BAKEN_ERR_CONFIG`, naming the module that read it (`registering()`,
 * the module Fastify is loading), so a module whose stores are not converted yet stops the start
 * instead of keeping its records in some other SQLite file.
 */
export function databaseParts(d: AppDatabase, registering: () => string | null): DatabaseParts {
  if (d.db !== undefined)
    return { storage: sqliteStorage(d.db), repos: createSqliteRepositories(d.db), db: d.db };
  const parts = { storage: pgStorage(d.pg), repos: createPgRepositories(d.pg) };
  return Object.defineProperty(parts, 'db', {
    enumerable: false,
    get: (): never => {
      throw sqliteOnly(registering());
    },
  }) as DatabaseParts;
}

/**
 * The refusal of a module that still keeps its records (or `what`) in SQLite only (store README).
 */
export function sqliteOnly(module: string | null, what = 'its records'): BakenError {
  const who = module === null ? 'a request handler' : `the ${module} module`;
  return new BakenError(
    'BAKEN_ERR_CONFIG',
    500,
    `database=postgres: ${who} still keeps ${what} in SQLite only, so the server cannot run on PostgreSQL yet (server/src/store/README.md, "Module stores on PostgreSQL"). Unset BAKEN_DATABASE and BAKEN_DATABASE_URL to run on SQLite.`,
    {
      details: [
        {
          field: '/database (BAKEN_DATABASE)',
          message: `${module ?? 'a module'} has no PostgreSQL binding yet`,
        },
      ],
    },
  );
}

/** A module's name as `defineModule` gave it to fastify-plugin, or null. */
export function moduleName(m: BakenModule): string | null {
  const meta = (m as unknown as Record<symbol, { name?: unknown } | undefined>)[Symbol.for('plugin-meta')];
  return typeof meta?.name === 'string' ? meta.name : null;
}
