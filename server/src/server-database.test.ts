import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import { testConfig } from './testing/test-app.js';

describe('startServer with database=postgres', () => {
  it('refuses to start, saying why and how to run, before it opens or writes anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baken-db-choice-'));
    try {
      const config = {
        ...testConfig(),
        dataDir,
        database: 'postgres' as const,
        databaseUrl: 'postgres://baken:s3cret@127.0.0.1:1/baken',
      };
      const err = await startServer({ config }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'BAKEN_ERR_CONFIG' });
      expect((err as Error).message).toMatch(/BAKEN_DATABASE/);
      expect((err as Error).message).not.toContain('s3cret');
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
