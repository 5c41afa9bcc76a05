import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { until } from '../../testing/pg-instances.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../../testing/postgres.js';
import { PgDatabase } from './pg-database.js';
import { MAX_PAYLOAD_BYTES, PgNotifier, pgNotify } from './pg-notifier.js';

describe.skipIf(!needPostgres())('PgNotifier (LISTEN/NOTIFY between instances)', () => {
  let cluster: ThrowawayPostgres;
  let url: string;
  let db: PgDatabase;
  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase();
    db = new PgDatabase(url);
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
  });

  it('delivers to every instance listening, in commit order; a rolled-back notification never arrives', async () => {
    const clock = new ManualClock();
    const a = new PgNotifier(url, clock);
    const b = new PgNotifier(url, clock);
    await a.start();
    await b.start();
    const gotA: string[] = [];
    const gotB: string[] = [];
    await a.listen('live.events', { onMessage: (p) => gotA.push(p) });
    await b.listen('live.events', { onMessage: (p) => gotB.push(p) });
    await db.transaction(async (tx) => {
      await pgNotify(tx.sql, 'live.events', 'first');
      expect(gotA).toEqual([]); // nothing before the commit
    });
    await db
      .transaction(async (tx) => {
        await pgNotify(tx.sql, 'live.events', 'rolled-back');
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await pgNotify(db.sql, 'live.events', 'second');
    await until(() => gotA.length >= 2 && gotB.length >= 2);
    expect(gotA).toEqual(['first', 'second']);
    expect(gotB).toEqual(['first', 'second']);
    await a.stop();
    await b.stop();
  });

  it('stops delivering to a listener that unlistened; refuses bad channels and oversized payloads', async () => {
    const n = new PgNotifier(url, new ManualClock());
    await n.start();
    const got: string[] = [];
    const off = await n.listen('c1', { onMessage: (p) => got.push(p) });
    await pgNotify(db.sql, 'c1', 'one');
    await until(() => got.length === 1);
    await off();
    await pgNotify(db.sql, 'c1', 'two');
    const marker: string[] = [];
    await n.listen('c2', { onMessage: (p) => marker.push(p) });
    await pgNotify(db.sql, 'c2', 'after');
    await until(() => marker.length === 1);
    expect(got).toEqual(['one']);
    await expect(pgNotify(db.sql, 'Bad"name', 'x')).rejects.toThrow(/channel/);
    await expect(pgNotify(db.sql, 'c1', 'x'.repeat(MAX_PAYLOAD_BYTES + 1))).rejects.toThrow(/payload/);
    await n.stop();
  });

  it('reconnects after its connection is killed, on the injected clock, and asks listeners to resync', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const n = new PgNotifier(url, clock, { retryMs: 500, onError: (e) => errors.push(e) });
    await n.start();
    const got: string[] = [];
    let resyncs = 0;
    await n.listen('alarms', { onMessage: (p) => got.push(p), onResync: () => resyncs++ });
    await db.sql.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'baken-notifier'",
    );
    await until(() => !n.connected);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    clock.advance(499);
    expect(n.connected).toBe(false);
    clock.advance(1);
    await until(() => n.connected);
    expect(resyncs).toBe(1);
    await pgNotify(db.sql, 'alarms', 'after-reconnect');
    await until(() => got.length === 1);
    expect(got).toEqual(['after-reconnect']);
    await n.stop();
    expect(clock.pending).toBe(0);
  });
});
