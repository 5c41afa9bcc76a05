import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from './server.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from './testing/postgres.js';
import { sharedKeysEnv } from './testing/shared-keys.js';
import { testConfig } from './testing/test-app.js';

const pgConfig = (dataDir: string, databaseUrl: string) => ({
  ...testConfig(),
  dataDir,
  database: 'postgres' as const,
  databaseUrl,
});

// the clustered mode needs the keys every instance shares (start-keys.ts)
beforeAll(() => {
  for (const [k, v] of Object.entries(sharedKeysEnv())) vi.stubEnv(k, v);
});
afterAll(() => vi.unstubAllEnvs());

describe('startServer with database=postgres', () => {
  it('stops on an unreachable database, saying which setting, before it writes anything (never the password)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baken-db-choice-'));
    try {
      const config = pgConfig(dataDir, 'postgres://baken:s3cret@127.0.0.1:1/baken');
      const err = await startServer({ config }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'BAKEN_ERR_STORE' });
      expect((err as Error).message).toMatch(/BAKEN_DATABASE_URL/);
      expect((err as Error).message).not.toContain('s3cret');
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!needPostgres())('startServer on a real PostgreSQL', () => {
  let cluster: ThrowawayPostgres;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'baken-on-pg-'));
  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serverConnections = async (): Promise<number> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'baken-server'",
      );
      return Number(r.rows[0]!.n);
    } finally {
      await c.end();
    }
  };

  it('runs on it, or refuses naming the module not on PostgreSQL yet; never writes an SQLite file', async () => {
    let server: RunningServer | undefined;
    const err = await startServer({ config: pgConfig(dataDir, url) }).then(
      (s) => {
        server = s;
        return undefined;
      },
      (e: unknown) => e as Error & { code?: string },
    );
    try {
      if (err) {
        // a module whose stores still need SQLite (server/src/store/README.md)
        expect(err).toMatchObject({ code: 'BAKEN_ERR_CONFIG' });
        expect(err.message).toMatch(/^database=postgres: the [a-z-]+ module still keeps .+ in SQLite only/);
        expect(err.message).not.toContain(url);
        // the pool and the cluster's listening connection are closed again
        expect(await serverConnections()).toBe(0);
      } else {
        expect(server!.app.baken.storage.kind).toBe('postgres');
        const ready = await server!.app.inject({ url: '/readyz' });
        expect(ready.json()).toMatchObject({ status: 'ready', db: { ok: true } });
      }
      expect(existsSync(join(dataDir, 'baken.sqlite'))).toBe(false);
    } finally {
      await server?.close();
    }
  });
});
