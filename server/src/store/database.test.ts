import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { runMigrations } from './migrate.js';
import { migrations } from './migrations/index.js';
import { createSqliteRepositories } from './sqlite/index.js';

describe('store', () => {
  it('opens a file database in WAL with foreign keys, and migrations are idempotent', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baken-db-')), 'sub', 'baken.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(runMigrations(db, migrations, 1)).toEqual([]);
    db.close();
    const again = openDatabase(file);
    const rows = again.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version })));
    again.close();
  });

  it('creates the database, WAL and SHM files 0600 in a 0700 folder, whatever the umask', () => {
    const old = process.umask(0o022);
    try {
      const dir = join(mkdtempSync(join(tmpdir(), 'baken-db-')), 'data');
      const file = join(dir, 'baken.sqlite');
      const db = openDatabase(file);
      db.prepare('CREATE TABLE IF NOT EXISTS t (x)').run();
      db.prepare('INSERT INTO t VALUES (1)').run();
      const mode = (f: string) => statSync(f).mode & 0o777;
      expect(mode(dir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
      db.close();
    } finally {
      process.umask(old);
    }
  });

  it('tightens a database and folder an older build left readable by others', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'baken-db-')), 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = join(dir, 'baken.sqlite');
    openDatabase(file).close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '', { mode: 0o644 });
    chmodSync(`${file}-wal`, 0o644);
    openDatabase(file).close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a database written by a newer build', () => {
    const db = openDatabase(':memory:');
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, 0)').run('future');
    expect(() => runMigrations(db, migrations, 0)).toThrow(/newer build/);
  });

  it('keeps a lifecycle history row per status change and rejects duplicate serials', async () => {
    const repos = createSqliteRepositories(openDatabase(':memory:'));
    const d = await repos.devices.create(
      { serial: 'P-1', type: 'pendant', status: 'in_stock' },
      { userId: null },
      1,
    );
    await repos.devices.setStatus(d.id, 'installed', { userId: null, note: 'placed' }, 2);
    await repos.devices.setStatus(d.id, 'installed', { userId: null }, 3);
    await repos.devices.setStatus(d.id, 'faulty', { userId: null }, 4);
    const h = await repos.devices.history(d.id);
    expect(h.map((x) => [x.fromStatus, x.toStatus, x.at])).toEqual([
      [null, 'in_stock', 1],
      ['in_stock', 'installed', 2],
      ['installed', 'faulty', 4],
    ]);
    await expect(
      repos.devices.create({ serial: 'P-1', type: 'pendant', status: 'in_stock' }, { userId: null }, 5),
    ).rejects.toThrow(/UNIQUE/);
  });

  it('burns an enrolment token once and never after expiry', async () => {
    const repos = createSqliteRepositories(openDatabase(':memory:'));
    const c = await repos.clients.createClient({ name: 'A' }, 0);
    const h = await repos.clients.createHome({ clientId: c.id, address: 'Street 1' }, 0);
    const base = { homeId: h.id, createdBy: null, createdAt: 0, usedAt: null, gatewayId: null };
    await repos.enrolmentTokens.create({ ...base, id: 't1', tokenHash: 'h1', expiresAt: 100 });
    await repos.enrolmentTokens.create({ ...base, id: 't2', tokenHash: 'h2', expiresAt: 100 });
    expect(await repos.enrolmentTokens.redeem('h1', 50)).toMatchObject({ id: 't1', usedAt: 50 });
    expect(await repos.enrolmentTokens.redeem('h1', 51)).toBeNull();
    expect(await repos.enrolmentTokens.redeem('h2', 100)).toBeNull();
  });
});
