import type { Db } from '../database.js';
import type { PgHandle } from '../pg/pg-database.js';

/**
 * One table's columns as the schema-mirror tests compare them, `name` or `name not null`, sorted:
 * from SQLite (a primary key counts as not null) and from PostgreSQL (the current schema).
 */
export function sqliteColumns(db: Db, table: string): string[] {
  return (
    db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; notnull: number; pk: number }>
  )
    .map((c) => `${c.name}${c.notnull || c.pk ? ' not null' : ''}`)
    .sort();
}

export async function pgColumns(
  pg: PgHandle,
  table: string,
  skip: readonly string[] = [],
): Promise<string[]> {
  return (
    await pg.sql.query<{ name: string; nullable: string }>(
      `SELECT column_name AS name, is_nullable AS nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    )
  ).rows
    .filter((c) => !skip.includes(c.name))
    .map((c) => `${c.name}${c.nullable === 'NO' ? ' not null' : ''}`)
    .sort();
}
