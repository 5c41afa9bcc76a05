import { AsyncLocalStorage } from 'node:async_hooks';
import { BakenError } from '../errors.js';
import type { Db } from './database.js';

/**
 * What an async module store's SQLite binding is built from — the counterpart of `PgHandle`: the
 * shared connection, or one transaction on it. A binding runs every statement through `run`, so
 * a store built on a transaction's handle (`tx`) runs inside that transaction and a store built on
 * the shared handle waits while another caller's transaction is open (store README, "Module stores
 * on PostgreSQL").
 */
export interface SqliteHandle {
  /**
   * Runs `f` against the connection: at once when this is a transaction's handle or when no
   * transaction is open (so a call runs its statement when it is made, as a synchronous store
   * did); else after the open transaction ends.
   */
  run<T>(f: (db: Db) => T): Promise<T>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it rejects. `fn`
   * must use the handle it is given (and stores built on it), never the shared ones; nested calls
   * on a transaction's handle become savepoints. Transactions of one connection run one at a time.
   */
  transaction<T>(fn: (tx: SqliteHandle) => Promise<T>): Promise<T>;
}

/**
 * A transaction's `fn` may await only its own statements (promises that settle in the same turn of
 * the event loop). Were it to await I/O, the ingest turn's synchronous transaction — which runs in
 * a later turn — would join this open transaction and commit or roll back with it. The guard
 * notices the loop moving on before the commit and rolls back instead (a programming error).
 */
const AWAITED_IO =
  'an SQLite transaction awaited I/O (its callback may await only its own store calls); rolled back';

class Transaction implements SqliteHandle {
  done = false;
  #depth = 0;
  constructor(readonly db: Db) {}

  async run<T>(f: (db: Db) => T): Promise<T> {
    if (this.done) throw new BakenError('BAKEN_ERR_STORE', 500, 'this transaction has already ended');
    return f(this.db);
  }

  async transaction<T>(fn: (tx: SqliteHandle) => Promise<T>): Promise<T> {
    const name = `async_sp${++this.#depth}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      this.db.exec(`RELEASE ${name}`);
      return out;
    } catch (e) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw e;
    } finally {
      this.#depth--;
    }
  }
}

/** Where the current async call chain's open transaction is known (to refuse shared-store use in it). */
const current = new AsyncLocalStorage<Transaction>();

/**
 * Runs `fn` as if outside the open async transaction: a shared store it calls — also later, from
 * work it starts without awaiting — waits for that transaction to end instead of being refused.
 * For synchronous listeners called inside the ingest turn (`DomainEventBus.deliver`) that start
 * follow-up work of their own (a key-safe command flush when a home unit comes online): that work
 * runs after the turn commits, as it did when the turn was a synchronous transaction.
 */
export function outsideTransaction<T>(fn: () => T): T {
  return current.exit(fn);
}

class SharedHandle implements SqliteHandle {
  #open: Transaction | null = null;
  /** Resolves when the open transaction ends. */
  #ended: Promise<void> = Promise.resolve();
  /** The tail of the queue of transactions waiting for the connection. */
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly db: Db) {}

  async run<T>(f: (db: Db) => T): Promise<T> {
    while (this.#open) {
      this.#refuseInside();
      await this.#ended;
    }
    return f(this.db);
  }

  async transaction<T>(fn: (tx: SqliteHandle) => Promise<T>): Promise<T> {
    if (this.#open) this.#refuseInside();
    else if (this.db.inTransaction)
      // its statements would run after that transaction's commit, not inside it
      throw new BakenError(
        'BAKEN_ERR_STORE',
        500,
        'an async store transaction cannot run inside a synchronous SQLite transaction',
      );
    const before = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => (release = r));
    await before;
    let ended!: () => void;
    this.#ended = new Promise<void>((r) => (ended = r));
    const tx = new Transaction(this.db);
    let crossed = false;
    const guard = setImmediate(() => (crossed = true));
    try {
      this.db.exec('BEGIN');
      this.#open = tx;
      try {
        const out = await current.run(tx, () => fn(tx));
        if (crossed) throw new BakenError('BAKEN_ERR_STORE', 500, AWAITED_IO);
        this.db.exec('COMMIT');
        return out;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } finally {
      clearImmediate(guard);
      tx.done = true;
      this.#open = null;
      ended();
      release();
    }
  }

  /** A call on the shared stores from inside the open transaction would wait for itself. */
  #refuseInside(): void {
    const tx = current.getStore();
    if (tx !== undefined && tx === this.#open)
      throw new BakenError(
        'BAKEN_ERR_STORE',
        500,
        'a shared store was used inside a transaction: use the stores the transaction hands its callback',
      );
  }
}

/**
 * One shared handle per connection: transactions of one connection must queue on the same handle.
 * Keyed on the connection object (as better-sqlite3 keys its own statements), never a context.
 */
const handles = new WeakMap<Db, SharedHandle>();

/** The shared async handle of an SQLite connection. */
export function sqliteHandle(db: Db): SqliteHandle {
  let h = handles.get(db);
  if (!h) {
    h = new SharedHandle(db);
    handles.set(db, h);
  }
  return h;
}

/** A binding's constructor argument: a connection (its shared handle) or a transaction's handle. */
export function asSqliteHandle(db: Db | SqliteHandle): SqliteHandle {
  return 'prepare' in db ? sqliteHandle(db) : db;
}
