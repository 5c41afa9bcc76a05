import { describe, expect, it } from 'vitest';
import { databaseParts, moduleName } from './app-database.js';
import { auditModule } from './modules/audit/index.js';
import { openDatabase } from './store/database.js';
import type { PgDatabase } from './store/pg/pg-database.js';

describe('the database parts of the app context', () => {
  it('on SQLite: the connection, its storage and repositories', () => {
    const db = openDatabase(':memory:');
    try {
      const parts = databaseParts({ db }, () => null);
      expect(parts.db).toBe(db);
      expect(parts.storage.kind).toBe('sqlite');
    } finally {
      db.close();
    }
  });

  it('on PostgreSQL: no SQLite connection; reading it refuses, naming the module that needs it', () => {
    // a pool that is never used: only the choice of bindings is under test
    const pg = { sql: { query: () => Promise.reject(new Error('unused')) } } as unknown as PgDatabase;
    let registering: string | null = 'alarms';
    const parts = databaseParts({ pg }, () => registering);
    expect(parts.storage.kind).toBe('postgres');
    expect(() => parts.db).toThrow(
      expect.objectContaining({
        code: 'BAKEN_ERR_CONFIG',
        message: expect.stringMatching(
          /^database=postgres: the alarms module still keeps its records in SQLite only/,
        ),
      }),
    );
    registering = null;
    expect(() => parts.db).toThrow(/a request handler still keeps/);
    // the getter is not enumerable: spreading the context does not trip it
    expect({ ...parts }).not.toHaveProperty('db');
  });

  it("names a module by its plugin's name", () => {
    expect(moduleName(auditModule)).toBe('audit');
  });
});
