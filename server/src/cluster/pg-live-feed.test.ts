import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { DomainEvent } from '../modules/ingest/domain-events.js';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { until } from '../testing/pg-instances.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import type { LoggedEvent } from './live-feed.js';
import { type PgCluster, pgCluster } from './pg-cluster.js';

const incident = (n: number): DomainEvent =>
  ({ type: 'incident.opened', body: { id: n, subjectKind: 'gateway', subjectId: `gw-${n}` } }) as never;

// Two "instances" (a pool and a listening connection each) on one throwaway PostgreSQL.
describe.skipIf(!needPostgres())('PgLiveFeed: every event on every instance', () => {
  let pgc: ThrowawayPostgres;
  let url: string;
  const dbs: PgDatabase[] = [];
  const clusters: PgCluster[] = [];
  const clock = new ManualClock(1_765_432_100_000);
  const instance = async (name: string) => {
    const db = new PgDatabase(url);
    dbs.push(db);
    const c = pgCluster({ db, url, clock, instanceId: name, leaseClock: clock, retryMs: 1000 });
    clusters.push(c);
    await c.start();
    const got: LoggedEvent[] = [];
    c.liveFeed.subscribe((e) => got.push(e));
    return { c, db, got };
  };
  beforeAll(async () => {
    pgc = await startPostgres();
    url = await pgc.createDatabase();
    const db = new PgDatabase(url);
    await runPgMigrations(db);
    await db.close();
  });
  afterAll(async () => {
    for (const c of clusters) await c.stop();
    for (const d of dbs) await d.close();
    await pgc?.stop();
  });

  it('an event appended on one instance reaches the subscribers of both, with one id; either resumes after it', async () => {
    const a = await instance('a');
    const b = await instance('b');
    a.c.liveFeed.append(incident(1));
    b.c.liveFeed.append(incident(2));
    a.c.liveFeed.append(incident(3));
    await until(() => a.got.length === 3 && b.got.length === 3);
    expect(b.got.map((e) => e.id).sort()).toEqual(a.got.map((e) => e.id).sort());
    expect(a.got.find((e) => e.id === a.got[0]!.id)!.event).toEqual(
      b.got.find((e) => e.id === a.got[0]!.id)!.event,
    );
    // a dashboard that saw the first event on a reconnects to b
    const first = [...a.got].sort((x, y) => Number(x.id) - Number(y.id))[0]!;
    const missed = await b.c.liveFeed.since(first.id);
    expect(missed).not.toBe('gap');
    expect(
      (missed as LoggedEvent[]).map((e) => (e.event.body as unknown as { id: number }).id).sort(),
    ).toEqual([1, 2, 3].filter((n) => n !== (first.event.body as unknown as { id: number }).id));
    expect(await b.c.liveFeed.since('deadbeef-7')).toBe('gap'); // an embedded server's id
    expect(await b.c.liveFeed.since('999999999')).toBe('gap');
  });

  it('an instance whose listening connection broke reads what it missed when it is back (onResync)', async () => {
    const a = await instance('c');
    const b = await instance('d');
    // cut b's listening connection, as a network failure would
    await a.db.sql.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'baken-notifier' AND pid <> pg_backend_pid()",
    );
    await until(() => !b.c.signals.notifier.connected);
    await until(() => !a.c.signals.notifier.connected);
    a.c.liveFeed.append(incident(10));
    await a.c.liveFeed.flushed();
    expect(b.got.some((e) => (e.event.body as unknown as { id: number }).id === 10)).toBe(false);
    clock.advance(1000); // reconnect
    await until(() => b.got.some((e) => (e.event.body as unknown as { id: number }).id === 10));
    await until(() => a.got.some((e) => (e.event.body as unknown as { id: number }).id === 10));
    expect(b.got.filter((e) => (e.event.body as unknown as { id: number }).id === 10)).toHaveLength(1);
  });

  it('keeps events for a while only: one instance prunes the old ones; a resume from before them reloads', async () => {
    const a = await instance('e');
    a.c.liveFeed.append(incident(20));
    await a.c.liveFeed.flushed();
    await until(() => a.got.some((e) => (e.event.body as unknown as { id: number }).id === 20));
    const old = a.got.find((e) => (e.event.body as unknown as { id: number }).id === 20)!;
    clock.advance(16 * 60_000);
    a.c.liveFeed.append(incident(21));
    await a.c.liveFeed.flushed();
    // the prune job runs once a minute on whichever instance holds its lease
    const before = String(Number(old.id) - 1);
    let answer: unknown;
    for (let i = 0; i < 40 && answer !== 'gap'; i++) {
      clock.advance(15_000);
      for (let t = 0; t < 200; t++) await new Promise((r) => setImmediate(r));
      answer = await a.c.liveFeed.since(before);
    }
    expect(answer).toBe('gap');
    const left = await a.db.sql.query<{ n: number }>('SELECT count(*) AS n FROM live_events WHERE id <= $1', [
      Number(old.id),
    ]);
    expect(left.rows[0]!.n).toBe(0);
  });
});
