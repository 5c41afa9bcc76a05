import type { EventEnvelope, HeartbeatPayload } from '@baken/protocols';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import type { BakenApp } from '../app-context.js';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { runPgMigrations } from '../store/pg/migrate.js';
import { PgDatabase } from '../store/pg/pg-database.js';
import { until } from '../testing/pg-instances.js';
import { needPostgres, startPostgres, type ThrowawayPostgres } from '../testing/postgres.js';
import { seedHome } from '../testing/seed-home.js';
import { testConfig } from '../testing/test-app.js';
import type { LoggedEvent } from './live-feed.js';
import { type PgCluster, pgCluster } from './pg-cluster.js';

const alarm = (id: string, gatewayId: string, deviceId: string, at: number): EventEnvelope => ({
  v: 1,
  id,
  gatewayId,
  deviceId,
  deviceKind: 'pendant',
  kind: 'alarm',
  priority: 'alarm',
  deviceTime: null,
  receivedAt: at,
  data: {},
});

const heartbeat = (gatewayId: string, at: number): HeartbeatPayload => ({
  v: 1,
  gatewayId,
  sentAt: at,
  uptimeS: 1,
  software: '0.1.0',
  intervalS: 60,
  outbox: { depth: 0, oldestAgeS: null },
  scan: { running: true, restarts: 0 },
  devices: [],
});

// Two whole server instances (apps on PostgreSQL) sharing one throwaway database: what an ingest
// turn publishes goes on the live stream in the turn's own transaction (store README, "Signals
// between instances"), so an instance that dies right after its commit loses nothing live.
describe.skipIf(!needPostgres())('the live stream written in the ingest turn (PostgreSQL)', () => {
  let pgc: ThrowawayPostgres;
  const clock = new ManualClock();
  const dbs: PgDatabase[] = [];
  const clusters: PgCluster[] = [];
  const apps: BakenApp[] = [];
  const seen: LoggedEvent[][] = [[], []];
  let homeId = '';
  beforeAll(async () => {
    pgc = await startPostgres();
    const url = await pgc.createDatabase();
    for (const name of ['a', 'b']) {
      const db = new PgDatabase(url);
      if (name === 'a') await runPgMigrations(db);
      dbs.push(db);
      const c = pgCluster({ db, url, clock, instanceId: name });
      await c.start();
      clusters.push(c);
      const app = await buildApp({
        pg: db,
        cluster: c,
        config: testConfig(),
        clock,
        logger: createLogger('silent'),
      });
      await app.ready();
      apps.push(app);
      const i = apps.length - 1;
      c.liveFeed.subscribe((e) => seen[i]!.push(e));
    }
    const { repos } = apps[0]!.baken;
    homeId = (await seedHome(repos, 'gw-1', clock.now(), { client: 'Client' })).homeId;
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const c of clusters) await c.stop();
    for (const d of dbs) await d.close();
    await pgc?.stop();
  });

  const created = (i: number) => seen[i]!.filter((e) => e.event.type === 'alarm.created');

  it("shows an alarm on every instance's stream although its instance died right after the commit", async () => {
    // The instance dies between its commit and anything it would do afterwards: its own
    // after-commit write to the feed never happens.
    const off = vi.spyOn(clusters[0]!.liveFeed, 'append').mockImplementation(() => undefined);
    try {
      const at = clock.now();
      await apps[0]!.ingest.storeTurn({
        events: [{ event: alarm('evt-1', 'gw-1', 'p-1', at), homeId }],
        states: [
          { kind: 'heartbeat', body: { heartbeat: heartbeat('gw-1', at), gatewayId: 'gw-1', homeId, at } },
        ],
      });
      await until(() => created(1).length === 1 && seen[1]!.some((e) => e.event.type === 'device.updated'));
      expect(created(1)[0]!.event.body).toMatchObject({ gatewayId: 'gw-1', deviceId: 'p-1', state: 'new' });
      // what the turn's handlers emitted (held by the bus until the commit) is on the stream too
      expect(seen[1]!.find((e) => e.event.type === 'device.updated')?.event.body).toMatchObject({
        gatewayId: 'gw-1',
        state: 'online',
      });
    } finally {
      off.mockRestore();
    }
  });

  it("delivers a turn's events once on each instance, in the order the bus emits them", async () => {
    const ids = ['evt-2', 'evt-3', 'evt-4'];
    await apps[0]!.ingest.storeTurn({
      events: ids.map((id, n) => ({ event: alarm(id, 'gw-1', `p-${n + 2}`, clock.now()), homeId })),
    });
    await until(() => created(0).length === 4 && created(1).length === 4);
    // the bus emits them after the commit: nothing is appended a second time
    await clusters[0]!.liveFeed.flushed();
    const rows = await dbs[0]!.sql.query<{ n: number }>(
      "SELECT count(*) AS n FROM live_events WHERE type = 'alarm.created'",
    );
    expect(Number(rows.rows[0]!.n)).toBe(4);
    for (const i of [0, 1]) {
      const mine = created(i).slice(-3);
      expect(mine.map((e) => (e.event.body as { deviceId: string }).deviceId)).toEqual(['p-2', 'p-3', 'p-4']);
      expect(new Set(created(i).map((e) => e.id)).size).toBe(created(i).length);
    }
  });

  it('puts nothing on the stream of a turn that rolled back', async () => {
    const before = seen[1]!.length;
    await expect(
      apps[0]!.ingest.storeTurn({
        events: [{ event: alarm('evt-5', 'gw-1', 'p-5', clock.now()), homeId }],
        within: async () => {
          throw new Error('the turn fails');
        },
      }),
    ).rejects.toThrow('the turn fails');
    // a later turn's alarm arrives; the rolled-back one never does
    await apps[1]!.ingest.storeTurn({
      events: [{ event: alarm('evt-6', 'gw-1', 'p-6', clock.now()), homeId }],
    });
    await until(() => seen[1]!.slice(before).some((e) => e.event.type === 'alarm.created'));
    const after = seen[1]!.slice(before).map((e) => (e.event.body as { deviceId?: string }).deviceId);
    expect(after).not.toContain('p-5');
    expect(after).toContain('p-6');
  });
});
