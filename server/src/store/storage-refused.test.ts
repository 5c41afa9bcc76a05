import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from './database.js';
import { sqliteHandle } from './sqlite-async.js';
import { storageRefusal, storageRefusedError } from './storage-refused.js';
import { fillDisk, tempDataDir } from './testing/full-disk.js';

// A real SQLite database file whose disk fills up (`max_page_count`): SQLite's own SQLITE_FULL.

let db: Db;
let dir: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  dir = tempDataDir();
  db = openDatabase(dir.file, { migrations: [] });
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  db.prepare('INSERT INTO t (v) VALUES (?)').run('before');
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** Larger than a page: needs new pages, which a full disk cannot give. */
const BIG = 'x'.repeat(20_000);
const rows = () =>
  (db.prepare('SELECT v FROM t ORDER BY rowid').all() as Array<{ v: string }>).map((r) => r.v);

describe('a write the disk refuses', () => {
  it('reads SQLITE_FULL as a full disk, and knows read-only and I/O errors (SQLite, the OS, PostgreSQL)', () => {
    fillDisk(db);
    let err: unknown;
    try {
      db.prepare('INSERT INTO t (v) VALUES (?)').run(BIG);
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string }).code).toBe('SQLITE_FULL');
    expect(storageRefusal(err)).toBe('full');
    expect(storageRefusal(new Error('wrapped', { cause: err }))).toBe('full');
    expect(storageRefusal({ code: 'ENOSPC' })).toBe('full');
    expect(storageRefusal({ code: '53100' })).toBe('full');
    expect(storageRefusal({ code: 'SQLITE_READONLY_DBMOVED' })).toBe('read_only');
    expect(storageRefusal({ code: 'EROFS' })).toBe('read_only');
    expect(storageRefusal({ code: 'SQLITE_IOERR_WRITE' })).toBe('io_error');
    expect(storageRefusal({ code: 'SQLITE_BUSY' })).toBeNull();
    expect(storageRefusal({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBeNull();
    expect(storageRefusal(null)).toBeNull();
  });

  it('is answered 507 with a code and what to do', () => {
    const e = storageRefusedError('full', new Error('database or disk is full'));
    expect(e.statusCode).toBe(507);
    expect(e.code).toBe('BAKEN_ERR_STORAGE_FULL');
    expect(e.message).toMatch(/Nothing was stored: the server's disk is full.*Free space/);
  });

  it('rolls the async transaction back and rejects with SQLITE_FULL: nothing of it is stored', async () => {
    fillDisk(db);
    const h = sqliteHandle(db);
    await expect(
      h.transaction(async (tx) => {
        await tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run('first'));
        await tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run(BIG));
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect(rows()).toEqual(['before']);
    expect(db.inTransaction).toBe(false);
  });

  it('stores nothing after SQLite abandoned the transaction, even when the callback catches the error', async () => {
    fillDisk(db);
    const h = sqliteHandle(db);
    await expect(
      h.transaction(async (tx) => {
        await tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run('first'));
        await tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run(BIG)).catch(() => undefined);
        // SQLite rolled everything back: run on its own, this row would be committed alone
        await tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run('after'));
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect(rows()).toEqual(['before']);
  });

  it('a savepoint that hits the full disk rejects with SQLITE_FULL, not "no such savepoint"', async () => {
    fillDisk(db);
    const h = sqliteHandle(db);
    let inner: unknown;
    await expect(
      h.transaction(async (tx) => {
        await tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run('first'));
        await tx
          .transaction((sp) => sp.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run(BIG)))
          .catch((e: unknown) => {
            inner = e;
          });
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect((inner as { code?: string }).code).toBe('SQLITE_FULL');
    expect(rows()).toEqual(['before']);
  });

  it('writes again once space is back', async () => {
    const disk = fillDisk(db);
    const h = sqliteHandle(db);
    const write = () =>
      h.transaction((tx) => tx.run((d) => d.prepare('INSERT INTO t (v) VALUES (?)').run(BIG)));
    await expect(write()).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    disk.free();
    await write();
    expect(rows()).toHaveLength(2);
  });
});
