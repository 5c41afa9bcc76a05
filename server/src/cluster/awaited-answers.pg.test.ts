import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { until } from '../testing/pg-instances.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { AwaitedAnswers } from './awaited-answers.js';
import { PgSignals } from './signals.js';

// Two instances, each with its own listening connection, on one throwaway PostgreSQL; the
// answers' "rows" are a table both read.
describe.skipIf(!needPostgres())('AwaitedAnswers across instances (LISTEN/NOTIFY)', () => {
  let pgc: ThrowawayPostgres;
  let db: PgDatabase;
  const signals: PgSignals[] = [];
  const clock = new ManualClock(0);
  const read = async (id: string) =>
    (await db.sql.query<{ status: string }>('SELECT status FROM answers WHERE id = $1', [id])).rows[0]
      ?.status ?? null;
  beforeAll(async () => {
    pgc = await startPostgres();
    const url = await pgc.createDatabase();
    db = new PgDatabase(url);
    await db.sql.query('CREATE TABLE answers (id TEXT PRIMARY KEY, status TEXT NOT NULL)');
    for (let i = 0; i < 2; i++) {
      const s = new PgSignals(db, url, clock, { retryMs: 500 });
      await s.start();
      signals.push(s);
    }
  });
  afterAll(async () => {
    for (const s of signals) await s.stop();
    await db?.close();
    await pgc?.stop();
  });

  it('a release waiting on instance a completes when instance b stores the key safe’s answer', async () => {
    const a = new AwaitedAnswers(signals[0]!, 'keysafe_command', read, clock);
    const b = new AwaitedAnswers(signals[1]!, 'keysafe_command', read, clock);
    let result: string | undefined;
    void a.wait('ks-1', 30_000).then((r) => {
      result = r;
    });
    await until(() => clock.pending > 0);
    await db.transaction(async (tx) => {
      await tx.sql.query("INSERT INTO answers VALUES ('ks-1', 'ok')");
      await signals[1]!.notifyIn(tx, 'keysafe_command', 'ks-1'); // delivered at the commit
    });
    await until(() => result !== undefined);
    expect(result).toBe('ok');
    void b;
  });

  it('after a lost listening connection the waiting instance reads again; without an answer it times out', async () => {
    const a = new AwaitedAnswers(signals[0]!, 'keysafe_command', read, clock);
    const b = new AwaitedAnswers(signals[1]!, 'keysafe_command', read, clock);
    let first: string | undefined;
    let second: string | undefined;
    void a.wait('ks-2', 30_000).then((r) => {
      first = r;
    });
    void a.wait('ks-3', 30_000).then((r) => {
      second = r;
    });
    await until(() => clock.pending >= 2);
    await db.sql.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'baken-notifier' AND pid <> pg_backend_pid()",
    );
    await until(() => !signals[0]!.notifier.connected && !signals[1]!.notifier.connected);
    await db.sql.query("INSERT INTO answers VALUES ('ks-2', 'refused')");
    await b.answered('ks-2'); // nobody listens: lost
    expect(first).toBeUndefined();
    clock.advance(500); // both reconnect; a re-reads what it waits for
    await until(() => first !== undefined);
    expect(first).toBe('refused');
    clock.advance(30_000);
    await until(() => second !== undefined);
    expect(second).toBe('timeout');
  });
});
