import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BakenError } from '../errors.js';
import { runMigrations } from './migrate.js';
import { migrations as defaultMigrations, type Migration } from './migrations/index.js';
import { ensurePrivateDbFile, ensurePrivateDir } from './private-files.js';
import { REFUSAL_ACTION, REFUSAL_CODE, REFUSAL_TEXT, storageRefusal } from './storage-refused.js';

export type Db = Database.Database;

/** More distinct SQL texts than this means SQL is being built from data: start the cache afresh. */
export const STATEMENT_CACHE_LIMIT = 2000;

/**
 * A connection whose `prepare(sql)` compiles each SQL text once and hands back the same statement
 * afterwards: preparing cost more than running the statement on the ingest path (docs: the store
 * README, "Statements"). Callers may keep calling `db.prepare(...)` at the point of use. A cached
 * statement is shared, so callers must not switch its mode (`pluck`, `raw`, `expand`,
 * `safeIntegers`) or `bind` it, and must not run it again while iterating over it.
 */
class StatementCachingDatabase extends Database {
  readonly #statements = new Map<string, Database.Statement>();

  // biome-ignore lint/complexity/noBannedTypes: the signature better-sqlite3's types declare
  override prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = super.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_LIMIT) this.#statements.clear();
      this.#statements.set(sql, s);
    }
    return s as Database.Statement<P, R>;
  }
}

/**
 * Opens the SQLite store: WAL journal, `synchronous=NORMAL` (durable across process crashes, may
 * lose the last commits on power loss — acceptable with gateway outboxes re-sending), a busy
 * timeout for concurrent readers, foreign keys on; then runs pending migrations. `:memory:` is
 * accepted for tests. Every SQL text is prepared once per connection (see
 * {@link StatementCachingDatabase}). The file and its WAL/SHM companions are 0600 in a 0700 folder: they hold
 * password, token and credential hashes (see `private-files.ts`).
 */
export function openDatabase(
  file: string,
  opts: { migrations?: readonly Migration[]; now?: number } = {},
): Db {
  let db: Db | undefined;
  try {
    if (file !== ':memory:') {
      ensurePrivateDir(dirname(file));
      ensurePrivateDbFile(file);
    }
    db = new StatementCachingDatabase(file);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    runMigrations(db, opts.migrations ?? defaultMigrations, opts.now ?? 0);
    return db;
  } catch (e) {
    db?.close();
    throw cannotOpen(file, e);
  }
}

/**
 * Why the store cannot be opened, for the person starting the server: a data folder on a full,
 * read-only or failing disk, or one the server's user may not write, is named with what to do
 * (store README, "A disk that refuses writes"); any other error is passed on as it is.
 */
function cannotOpen(file: string, err: unknown): unknown {
  if (err instanceof BakenError) return err;
  const reason = storageRefusal(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (reason)
    return new BakenError(
      REFUSAL_CODE[reason],
      500,
      `Cannot open the database ${file}: ${REFUSAL_TEXT[reason]} (${detail}). ${REFUSAL_ACTION[reason]} Then start the server again.`,
      { cause: err },
    );
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN')
    return new BakenError(
      'BAKEN_ERR_STORAGE_READ_ONLY',
      500,
      `Cannot open the database ${file}: the server may not create or write it there (${detail}). Give the user the server runs as write access to ${dirname(file)}, or set BAKEN_DATA_DIR to a folder it may write.`,
      { cause: err },
    );
  return err;
}
