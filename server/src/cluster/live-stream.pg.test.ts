import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { type PgCluster, pgCluster } from './pg-cluster.js';

/** A stream reader that keeps what arrived: `until(re)` reads on until `re` matches it. */
function sse(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let text = '';
  return {
    async until(re: RegExp): Promise<string> {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${re}`);
        text += dec.decode(value);
      }
      return text;
    },
    close: () => reader.cancel(),
  };
}

const warning = (n: number) => ({ warningId: n, gatewayId: 'gw', deviceId: 'p', kind: 'tamper', at: n });

// Two server instances (apps) sharing one throwaway PostgreSQL for their cluster state.
describe.skipIf(!needPostgres())('the live stream across two instances (PostgreSQL)', () => {
  let pgc: ThrowawayPostgres;
  const dbs: PgDatabase[] = [];
  const clusters: PgCluster[] = [];
  const apps: Array<{ t: TestApp; base: string; monitor: { authorization: string } }> = [];
  beforeAll(async () => {
    pgc = await startPostgres();
    const url = await pgc.createDatabase();
    for (const name of ['a', 'b']) {
      const db = new PgDatabase(url);
      if (name === 'a') await runPgMigrations(db);
      dbs.push(db);
      const c = pgCluster({ db, url, clock: new ManualClock(), instanceId: name });
      await c.start();
      clusters.push(c);
      const t = await testApp({}, { cluster: c });
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      apps.push({ t, base, monitor: (await t.userWithToken('monitor')).auth });
    }
  });
  afterAll(async () => {
    for (const a of apps) await a.t.close();
    for (const c of clusters) await c.stop();
    for (const d of dbs) await d.close();
    await pgc?.stop();
  });

  const open = (i: number, headers: Record<string, string> = {}) =>
    fetch(`${apps[i]!.base}/api/v1/stream`, { headers: { ...apps[i]!.monitor, ...headers } });

  it("shows on one instance's stream what the other ingested, and resumes on either by event id", async () => {
    const onB = sse((await open(1)).body!);
    await onB.until(/: connected/);
    apps[0]!.t.app.ingest.bus.emit('warning.opened', warning(1));
    const seen = await onB.until(/"warningId":1,/);
    await onB.close();
    const id = /id: (\d+)\nevent: warning\.opened\ndata: \{"warningId":1/.exec(seen)?.[1];
    expect(id).toBeDefined();

    // the dashboard is away; both instances ingest meanwhile
    apps[1]!.t.app.ingest.bus.emit('warning.opened', warning(2));
    apps[0]!.t.app.ingest.bus.emit('warning.closed', warning(3));
    for (const c of clusters) await c.liveFeed.flushed();

    // it reconnects to the other instance with its last id
    const again = sse((await open(0, { 'last-event-id': id! })).body!);
    const replay = await again.until(/"warningId":3/);
    await again.close();
    expect(replay).toContain('"warningId":2');
    expect(replay).not.toContain('"warningId":1,');
  });
});
