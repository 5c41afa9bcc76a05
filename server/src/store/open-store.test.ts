import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { openDatabase } from './database.js';
import { openPgStore, sqliteCoreStore } from './open-store.js';

describe('sqliteCoreStore', () => {
  it('holds the repositories and one in-process lease per name', async () => {
    const store = sqliteCoreStore(openDatabase(':memory:'), { now: () => 1000 });
    expect(store.kind).toBe('sqlite');
    expect(await store.repos.users.count()).toBe(0);
    expect(store.lease('health.sweep')).toBe(store.lease('health.sweep'));
    expect(await store.lease('health.sweep').tryAcquire('me', 100)).toBe(true);
    await store.close();
  });
});

describe.skipIf(!needPostgres())('openPgStore', () => {
  let cluster: ThrowawayPostgres;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('migrates an empty database and serves repositories and leases on it', async () => {
    const url = await cluster.createDatabase();
    const a = await openPgStore(url, { now: 5 });
    const b = await openPgStore(url);
    try {
      expect(a.kind).toBe('postgres');
      await a.repos.users.create({ username: 'x', displayName: 'X', role: 'admin', passwordHash: 'h' }, 1);
      expect(await b.repos.users.count()).toBe(1);
      expect(await a.lease('health.sweep').tryAcquire('instance-a', 60_000)).toBe(true);
      expect(await b.lease('health.sweep').tryAcquire('instance-b', 60_000)).toBe(false);
      expect(await b.lease('health.sweep').holder()).toBe('instance-a');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails with the driver error, without the URL, when the database is not there', async () => {
    const url = `${cluster.url.replace(/\/[^/]*$/, '')}/no_such_db`.replace('baken@', 'baken:s3cret@');
    const err = await openPgStore(url).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/no_such_db/);
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain('s3cret');
  });
});
