import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../database.js';

/**
 * A real SQLite disk that fills up: `PRAGMA max_page_count` caps the database file at the pages it
 * has now, so the next write that needs a new page fails with SQLite's own `SQLITE_FULL` —
 * exactly what a full disk gives, without a tiny file system. `free()` lifts the cap (space is
 * back). The cap is per connection and forgotten on close.
 */
export function fillDisk(db: Db): { free(): void } {
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return { free: () => void db.pragma('max_page_count = 4294967294') };
}

/** A fresh folder for a database file; `remove()` deletes it. */
export function tempDataDir(): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'baken-disk-'));
  return {
    dir,
    file: join(dir, 'baken.sqlite'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
