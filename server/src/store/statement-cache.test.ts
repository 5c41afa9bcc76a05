import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, STATEMENT_CACHE_LIMIT } from './database.js';
import { createSqliteRepositories } from './sqlite/index.js';

describe('statement cache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prepares each SQL text once per connection and hands back the same statement', () => {
    const db = openDatabase(':memory:');
    const a = db.prepare('SELECT 1 AS one');
    expect(db.prepare('SELECT 1 AS one')).toBe(a);
    expect(db.prepare('SELECT 2 AS two')).not.toBe(a);
    expect(openDatabase(':memory:').prepare('SELECT 1 AS one')).not.toBe(a);
    db.close();
  });

  it('a repository called many times compiles its SQL once', async () => {
    const db = openDatabase(':memory:');
    const repos = createSqliteRepositories(db);
    const compile = vi.spyOn(Database.prototype, 'prepare');
    for (let i = 0; i < 5; i++) await repos.gateways.mqttPasswordHash(`gw-${i}`);
    expect(compile).toHaveBeenCalledTimes(1);
    db.close();
  });

  it('starts afresh rather than growing without bound when SQL is built from data', () => {
    const db = openDatabase(':memory:');
    const first = db.prepare('SELECT 0');
    for (let i = 1; i <= STATEMENT_CACHE_LIMIT; i++) db.prepare(`SELECT ${i}`);
    expect(db.prepare('SELECT 0')).not.toBe(first);
    expect(db.prepare('SELECT 0').get()).toEqual({ 0: 0 });
    db.close();
  });
});
