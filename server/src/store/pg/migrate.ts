import { BakenError } from '../../errors.js';
import { type PgMigration, pgMigrations } from './migrations/index.js';
import type { PgDatabase } from './pg-database.js';

/** Key of the advisory lock that serialises migrations between instances starting together. */
const MIGRATION_LOCK = 0x62616b656e01; // "baken" 01

/**
 * Applies the PostgreSQL migrations not yet in `schema_migrations`, each in its own transaction,
 * in version order — the same contract as the SQLite `runMigrations`: idempotent, and refusing to
 * start when the database holds a version this build does not know. Instances starting at the
 * same time queue on an advisory lock, so each migration runs once.
 */
export async function runPgMigrations(
  db: PgDatabase,
  list: readonly PgMigration[] = pgMigrations,
  now = 0,
): Promise<number[]> {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  const seen = new Set<number>();
  for (const m of sorted) {
    if (seen.has(m.version))
      throw new BakenError('BAKEN_ERR_STORE', 500, `Duplicate migration version ${m.version}`);
    seen.add(m.version);
  }
  const conn = await db.pool.connect();
  try {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const applied = new Set(
      (await conn.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
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
    for (const m of sorted) {
      if (applied.has(m.version)) continue;
      await conn.query('BEGIN');
      try {
        await conn.query(m.up);
        await conn.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          now,
        ]);
        await conn.query('COMMIT');
      } catch (e) {
        await conn.query('ROLLBACK');
        throw e;
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    conn.release();
  }
}
