import { mkdtempSync } from 'node:fs';
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
