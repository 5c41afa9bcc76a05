import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findPostgresBin, needPostgres, startPostgres } from './postgres.js';

describe('findPostgresBin', () => {
  it('finds nothing where nothing is installed', () => {
    expect(findPostgresBin({ PATH: '/nonexistent', BAKEN_PG_BIN: '/nonexistent' })).toBeUndefined();
  });

  it('without PostgreSQL: skip locally, fail under CI=true', () => {
    const absent = { PATH: '/nonexistent', BAKEN_PG_BIN: '/nonexistent' };
    expect(needPostgres(absent)).toBe(false);
    expect(() => needPostgres({ ...absent, CI: 'true' })).toThrow(/BAKEN_ERR_TEST_PROGRAM_MISSING/);
  });
});

describe.skipIf(!needPostgres())('throwaway PostgreSQL cluster', () => {
  it('starts on loopback, hands out fresh databases, and leaves nothing behind when stopped', async () => {
    const cluster = await startPostgres();
    let dir = '';
    try {
      expect(cluster.url).toMatch(/^postgres:\/\/baken@127\.0\.0\.1:\d+\//);
      const dbUrl = await cluster.createDatabase();
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      const r = await c.query<{ v: string; db: string; dir: string }>(
        "SELECT version() AS v, current_database() AS db, current_setting('data_directory') AS dir",
      );
      await c.end();
      expect(r.rows[0]!.v).toMatch(/^PostgreSQL \d+/);
      expect(dbUrl.endsWith(`/${r.rows[0]!.db}`)).toBe(true);
      dir = r.rows[0]!.dir;
      expect(existsSync(dir)).toBe(true);
    } finally {
      await cluster.stop();
    }
    expect(existsSync(dir)).toBe(false);
  });
});
