import { afterAll, beforeAll } from 'vitest';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { startPostgres, type ThrowawayPostgres } from './postgres.js';

/** Resolves once `cond` holds, turning the event loop (I/O), never waiting on wall time. */
export async function until(cond: () => boolean, turns = 200_000): Promise<void> {
  for (let i = 0; i < turns && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition not reached');
}

/**
 * Two "instances", a pool each, on one migrated throwaway PostgreSQL for a test file (register it
 * inside a `describe.skipIf(!needPostgres())`). `next()` hands out the pools in turn: the first
 * store a test makes is on pool a, the second on pool b.
 */
export function usePgInstances(): { next(): PgDatabase } {
  let cluster: ThrowawayPostgres | undefined;
  let a: PgDatabase | undefined;
  let b: PgDatabase | undefined;
  let made = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    a = new PgDatabase(url);
    b = new PgDatabase(url);
    await runPgMigrations(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });
  return {
    next() {
      const pool = made++ % 2 === 0 ? a : b;
      if (!pool) throw new Error('PostgreSQL is only available inside a test');
      return pool;
    },
  };
}
