import { randomBytes } from 'node:crypto';
import { createPgRepositories } from '../../../store/pg/index.js';
import type { PgDatabase } from '../../../store/pg/pg-database.js';
import type { Repositories } from '../../../store/repositories/index.js';
import { createSqliteRepositories } from '../../../store/sqlite/index.js';
import type { SqliteHandle } from '../../../store/sqlite-async.js';
import {
  bindStore,
  pgStorage,
  type Storage,
  type StoreHandle,
  sqliteStorage,
} from '../../../store/storage.js';
import type { MakeStore } from '../../../store/testing/store-fixture.js';
import type { InAccounts } from '../in-account-store.js';
import type { InLog } from '../in-log-store.js';
import type { OutAccounts } from '../out-account-store.js';
import { PgInLog } from '../pg-in-log.js';
import { SecretBox } from '../secret-box.js';
import { SqliteInLog } from '../sqlite-in-log.js';
import { inAccountsOn, inLogOn, outAccountsOn } from '../stores-on.js';

/** The alarm-centre stores on one handle. */
export interface CentreStoreSet {
  out: OutAccounts;
  in: InAccounts;
  log: InLog;
}

/** The alarm-centre stores over an empty database holding two homes, as the contract suites use them. */
export interface CentreStores extends CentreStoreSet {
  /** Runs `fn` in one transaction with the stores bound to it (committed unless it rejects). */
  transaction(fn: (tx: CentreStoreSet) => Promise<void>): Promise<void>;
  /** An inbound log that keeps only the last two refused frames. */
  logKeeping2: InLog;
  homes: [string, string];
  /** The database the stores are on, and the box they seal keys with. */
  storage: Storage;
  box: SecretBox;
  /** One statement with `?` placeholders, straight on the database (set-up and looking at raw rows). */
  sql(text: string, ...values: unknown[]): Promise<Array<Record<string, unknown>>>;
}

/** The tables the PostgreSQL fixture empties before each test. */
export const CENTRE_TABLES =
  'dc09_rejected, dc09_in_events, dc09_in_accounts, dc09_outbox, dc09_out_receivers, dc09_out_accounts, followup_chains, homes, clients';

async function build(storage: Storage, repos: Repositories, logKeeping2: InLog): Promise<CentreStores> {
  const box = new SecretBox(randomBytes(32));
  const on = (h: StoreHandle): CentreStoreSet => ({
    out: outAccountsOn(h, box),
    in: inAccountsOn(h, box),
    log: inLogOn(h),
  });
  const c = await repos.clients.createClient({ name: 'Client' }, 1);
  const homes: string[] = [];
  for (const n of [1, 2])
    homes.push((await repos.clients.createHome({ clientId: c.id, address: `Straat ${n}` }, 1)).id);
  return {
    ...on(storage.handle),
    transaction: (fn) => storage.transaction((tx) => fn(on(tx))),
    logKeeping2,
    homes: homes as [string, string],
    storage,
    box,
    sql: (text, ...values) =>
      bindStore(storage.handle, {
        sqlite: (h) =>
          h.run((db) => {
            const st = db.prepare(text);
            if (st.reader) return st.all(...values) as Array<Record<string, unknown>>;
            st.run(...values);
            return [];
          }),
        postgres: async (h) => {
          let n = 0;
          return (
            await h.sql.query(
              text.replace(/\?/g, () => `$${++n}`),
              values,
            )
          ).rows;
        },
      }),
  };
}

/** The SQLite fixture from a fresh in-memory database's shared handle (`sqliteStore`). */
export function sqliteCentre(make: MakeStore<SqliteHandle>): MakeStore<CentreStores> {
  return async () => {
    const { stores: h, dispose } = await make();
    const db = await h.run((d) => d);
    const stores = await build(sqliteStorage(db), createSqliteRepositories(db), new SqliteInLog(h, 2));
    return { stores, dispose };
  };
}

/** The PostgreSQL fixture from a throwaway cluster's emptied pool (`usePostgres().store`). */
export function pgCentre(make: MakeStore<PgDatabase>): MakeStore<CentreStores> {
  return async () => {
    const { stores: db, dispose } = await make();
    const stores = await build(pgStorage(db), createPgRepositories(db), new PgInLog(db, 2));
    return { stores, dispose };
  };
}
