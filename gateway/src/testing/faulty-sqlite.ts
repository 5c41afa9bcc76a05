import Database from 'better-sqlite3';
import type { OpenDatabase } from '../outbox/outbox.js';

/**
 * Failure injection at the SQLite library boundary: databases opened through `open` behave like
 * real ones (they are real files) until a fault is set, then fail exactly as better-sqlite3 does on
 * a full or read-only disk: with a `SqliteError` carrying the SQLite result code.
 */
export class FaultySqlite {
  /** Every write statement (`run`, `exec`) fails with this code. */
  writes: string | null = null;
  /** Only the next N writes fail (then `writes` applies again). */
  failNextWrites = 0;
  failNextCode = 'SQLITE_FULL';
  /** Every read statement (`get`, `all`) fails with this code. */
  reads: string | null = null;
  /** Opening a database fails with this code. */
  opens: string | null = null;
  opened = 0;

  readonly open: OpenDatabase = (path) => {
    if (this.opens !== null) throw new Database.SqliteError(`unable to open database file`, this.opens);
    this.opened += 1;
    return this.#wrapDb(new Database(path));
  };

  #writeFault(): void {
    if (this.failNextWrites > 0) {
      this.failNextWrites -= 1;
      throw new Database.SqliteError('database or disk is full', this.failNextCode);
    }
    if (this.writes !== null) throw new Database.SqliteError(messageOf(this.writes), this.writes);
  }

  #readFault(): void {
    if (this.reads !== null) throw new Database.SqliteError('disk I/O error', this.reads);
  }

  #wrapDb(db: Database.Database): Database.Database {
    return new Proxy(db, {
      get: (target, prop) => {
        if (prop === 'prepare')
          return (sql: string) => this.#wrapStatement(target.prepare(sql), /^\s*(SELECT)/i.test(sql));
        if (prop === 'exec')
          return (sql: string) => {
            this.#writeFault();
            return target.exec(sql);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  #wrapStatement(statement: Database.Statement, read: boolean): Database.Statement {
    return new Proxy(statement, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'run')
          return (...args: unknown[]) => {
            this.#writeFault();
            return target.run(...args);
          };
        if ((prop === 'get' || prop === 'all') && read)
          return (...args: unknown[]) => {
            this.#readFault();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        return value.bind(target);
      },
    });
  }
}

function messageOf(code: string): string {
  if (code === 'SQLITE_FULL') return 'database or disk is full';
  if (code.startsWith('SQLITE_READONLY')) return 'attempt to write a readonly database';
  return 'disk I/O error';
}
