import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { runMigrations } from '../migrate.js';
import { migrations } from './index.js';

describe('migration 170: the informal_carer role', () => {
  it('widens the role check without losing users, their sessions and tokens, or later columns', () => {
    const before = migrations.filter((m) => m.version < 170);
    const db = openDatabase(':memory:', { migrations: before });
    // A column another migration might add before this one must survive the rebuild.
    db.exec('ALTER TABLE users ADD COLUMN extra TEXT');
    db.prepare(
      `INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at, extra)
       VALUES ('u1', 'anna', 'Anna', 'care_worker', 'h', 0, 0, 'kept')`,
    ).run();
    db.prepare("INSERT INTO sessions VALUES ('s', 'u1', 0, 1)").run();
    db.prepare(
      "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ('t', 'u1', 'n', 'x', 0)",
    ).run();

    expect(runMigrations(db, migrations, 1)).toContain(170);

    expect(db.prepare("SELECT extra FROM users WHERE id = 'u1'").get()).toEqual({ extra: 'kept' });
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.prepare(
      `INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at)
       VALUES ('u2', 'piet', 'Piet', 'informal_carer', 'h', 0, 0)`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at)
           VALUES ('u3', 'x', 'X', 'burglar', 'h', 0, 0)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    // The references still point at the rebuilt table: deleting a user cascades as before.
    db.prepare("DELETE FROM users WHERE id = 'u1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE sql LIKE '%users_v170%'").get()).toEqual(
      {
        n: 0,
      },
    );
  });
});
