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
 * the event loop). Were it to await I/O, other work's statements — which run in later turns — would
 * join this open transaction and commit or roll back with it; were it to await a shared store, that
 * call would wait for this transaction's end, i.e. for itself. Either way the loop moves on before
 * the commit: the guard then rolls the transaction back and rejects (a programming error).
 */
const AWAITED_IO =
  'an SQLite transaction awaited I/O or a shared store (its callback may await only the stores built on its own handle); rolled back';

class Transaction implements SqliteHandle {
  done = false;
  /**
   * The error on which SQLite itself rolled the whole transaction back (a full disk, an I/O
   * error: `SQLITE_FULL`, `SQLITE_IOERR` may do that), or undefined. From then on every statement
   * of this transaction fails with it: run outside the transaction, it would be committed on its
   * own — part of a turn stored after the rest was rolled back.
   */
  abandoned: unknown;
  #depth = 0;
  constructor(readonly db: Db) {}

  async run<T>(f: (db: Db) => T): Promise<T> {
    if (this.done) throw new BakenError('BAKEN_ERR_STORE', 500, 'this transaction has already ended');
    if (this.abandoned !== undefined) throw this.abandoned;
    try {
      return f(this.db);
    } catch (e) {
      if (!this.db.inTransaction) this.abandoned = e;
      throw e;
    }
  }

  async transaction<T>(fn: (tx: SqliteHandle) => Promise<T>): Promise<T> {
    if (this.abandoned !== undefined) throw this.abandoned;
    const name = `async_sp${++this.#depth}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      if (this.abandoned !== undefined) throw this.abandoned;
      this.db.exec(`RELEASE ${name}`);
      return out;
    } catch (e) {
      // when SQLite has rolled everything back there is no savepoint left to return to
      if (this.abandoned === undefined && this.db.inTransaction) {
        this.db.exec(`ROLLBACK TO ${name}`);
        this.db.exec(`RELEASE ${name}`);
      }
      throw e;
    } finally {
      this.#depth--;
    }
  }
}

class SharedHandle implements SqliteHandle {
  #open: Transaction | null = null;
  /** Resolves when the open transaction ends. */
  #ended: Promise<void> = Promise.resolve();
  /** The tail of the queue of transactions waiting for the connection. */
  #tail: Promise<void> = Promise.resolve();

  constructor(readonly db: Db) {}

  async run<T>(f: (db: Db) => T): Promise<T> {
    // Work started inside a transaction without being awaited by it (a listener's follow-up) runs
    // after the transaction ends; the transaction's own callback must not wait here (see AWAITED_IO).
    while (this.#open) await this.#ended;
    return f(this.db);
  }

  async transaction<T>(fn: (tx: SqliteHandle) => Promise<T>): Promise<T> {
    if (!this.#open && this.db.inTransaction)
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
    let crossed!: (e: Error) => void;
    const crossing = new Promise<never>((_, reject) => (crossed = reject));
    crossing.catch(() => undefined);
    const guard = setImmediate(() => crossed(new BakenError('BAKEN_ERR_STORE', 500, AWAITED_IO)));
    try {
      this.db.exec('BEGIN');
      this.#open = tx;
      try {
        // No AsyncLocalStorage here: on Node 20 it slows every promise of the process (the ingest
        // turn is one of these transactions), so misuse is caught by the turn guard alone.
        const out = await Promise.race([fn(tx), crossing]);
        // `fn` caught the error on which SQLite rolled it all back: there is nothing to commit
        if (tx.abandoned !== undefined) throw tx.abandoned;
        if (!this.db.inTransaction)
          // a statement that bypassed `tx` failed and SQLite rolled the transaction back
          throw new BakenError(
            'BAKEN_ERR_STORE',
            500,
            'SQLite rolled this transaction back after a statement failed; nothing of it was stored',
          );
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
