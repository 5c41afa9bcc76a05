import type Database from 'better-sqlite3';
import { BakenError } from '../errors.js';
import type { Migration } from './migrations/index.js';

/**
 * Applies migrations whose version is not yet in `schema_migrations`, each in its own
 * transaction, in version order. Idempotent: a second run applies nothing. Refuses to start when
 * the database holds a version this build does not know (a newer build wrote it).
 */
export function runMigrations(db: Database.Database, list: readonly Migration[], now: number): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const sorted = [...list].sort((a, b) => a.version - b.version);
  const seen = new Set<number>();
  for (const m of sorted) {
    if (seen.has(m.version))
      throw new BakenError('BAKEN_ERR_STORE', 500, `Duplicate migration version ${m.version}`);
    seen.add(m.version);
  }
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const unknown = [...applied].filter((v) => !seen.has(v));
  if (unknown.length > 0)
    throw new BakenError(
      'BAKEN_ERR_STORE',
      500,
      `The database has migrations ${unknown.join(', ')} that this server build does not know; run a newer build.`,
    );
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    // A table rebuild (SQLite's 12-step ALTER) runs with foreign keys off, so dropping the old table
    // cascades nothing; the references are checked before the commit instead.
    const fkOn = m.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (fkOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.up);
        m.apply?.(db);
        if (m.rebuildsTables === true && (db.pragma('foreign_key_check') as unknown[]).length > 0)
          throw new BakenError('BAKEN_ERR_STORE', 500, `Migration ${m.version} broke a foreign key.`);
        record.run(m.version, m.name, now);
      })();
    } finally {
      if (fkOn) db.pragma('foreign_keys = ON');
    }
    done.push(m.version);
  }
  return done;
}
