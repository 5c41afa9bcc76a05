import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BakenError } from '../errors.js';
import { openDatabase } from './database.js';
import type { Migration } from './migrations/index.js';
import { tempDataDir } from './testing/full-disk.js';

// Starting on a data folder whose disk refuses writes: a clear BAKEN_ERR with what to do, not a
// bare driver message. The refusals are real SQLite's, on a real file: `max_page_count` (full) and
// `query_only` (read-only), set by a migration before the one that writes.

let dir: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  dir = tempDataDir();
});
afterEach(() => dir.remove());

const writes: Migration = {
  version: 2,
  name: 'writes',
  up: 'CREATE TABLE big (v TEXT NOT NULL)',
  apply: (db) => {
    for (let i = 0; i < 50; i++) db.prepare('INSERT INTO big (v) VALUES (?)').run('x'.repeat(20_000));
  },
};
const before = (name: string, apply: Migration['apply']): Migration => ({ version: 1, name, up: '', apply });

function openError(migrations: Migration[]): BakenError {
  try {
    openDatabase(dir.file, { migrations }).close();
  } catch (e) {
    expect(e).toBeInstanceOf(BakenError);
    return e as BakenError;
  }
  throw new Error('opened');
}

describe('opening the store on a disk that refuses writes', () => {
  it('names a full disk, the file and what to do', () => {
    const full = before('full', (db) => {
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    });
    const e = openError([full, writes]);
    expect(e.code).toBe('BAKEN_ERR_STORAGE_FULL');
    expect(e.message).toBe(
      `Cannot open the database ${dir.file}: the server's disk is full (database or disk is full). Free space on the disk that holds the data folder (old logs, backups) or grow it. Then start the server again.`,
    );
  });

  it('names a read-only data folder and what to do', () => {
    const e = openError([before('read-only', (db) => void db.pragma('query_only = 1')), writes]);
    expect(e.code).toBe('BAKEN_ERR_STORAGE_READ_ONLY');
    expect(e.message).toMatch(
      /^Cannot open the database .*: the server's data folder is read-only .*Make the data folder writable/,
    );
  });

  it('opens once the disk takes writes', () => {
    openDatabase(dir.file, { migrations: [writes] }).close();
  });
});
