import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { runMigrations } from './migrate.js';
import { migrations as defaultMigrations, type Migration } from './migrations/index.js';
import { ensurePrivateDbFile, ensurePrivateDir } from './private-files.js';

export type Db = Database.Database;

/**
 * Opens the SQLite store: WAL journal, `synchronous=NORMAL` (durable across process crashes, may
 * lose the last commits on power loss — acceptable with gateway outboxes re-sending), a busy
 * timeout for concurrent readers, foreign keys on; then runs pending migrations. `:memory:` is
 * accepted for tests. The file and its WAL/SHM companions are 0600 in a 0700 folder: they hold
 * password, token and credential hashes (see `private-files.ts`).
 */
export function openDatabase(
  file: string,
  opts: { migrations?: readonly Migration[]; now?: number } = {},
): Db {
  if (file !== ':memory:') {
    ensurePrivateDir(dirname(file));
    ensurePrivateDbFile(file);
  }
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  runMigrations(db, opts.migrations ?? defaultMigrations, opts.now ?? 0);
  return db;
}
