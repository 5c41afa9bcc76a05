import { type HeartbeatPayload, MQTT_EXAMPLE_PAYLOADS } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { createPgRepositories } from '../../store/pg/index.js';
import { pgStorage, type Storage } from '../../store/storage.js';
import { needPostgres, usePostgres } from '../../store/testing/store-fixture.js';
import { DomainEventBus, type DomainEventMap } from '../ingest/domain-events.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { HealthService } from './health-service.js';
import { seedHome, T0 } from './testing/health-fixture.js';

// Several instances on one PostgreSQL (store README, "The sweep lease"): the instance holding the
// `health.sweep` lease sees what every instance ingested, because the sweep reads the gateways'
// state and its schedule from the database, not from its own memory.
const P = DEFAULT_HEALTH_POLICY;
const INTERVAL_MS = 60_000;
const hb = (gatewayId: string, at: number): HeartbeatPayload => ({
  ...MQTT_EXAMPLE_PAYLOADS.heartbeat,
  gatewayId,
  sentAt: at,
  intervalS: INTERVAL_MS / 1000,
  storage: { state: 'ok', since: at, memoryDepth: 0 },
});

/** One server instance's health service, with what it emitted. */
function instance(storage: Storage) {
  const bus = new DomainEventBus();
  const opened: Array<DomainEventMap['incident.opened']> = [];
  const closed: Array<DomainEventMap['incident.closed']> = [];
  bus.on('incident.opened', (i) => opened.push(i));
  bus.on('incident.closed', (i) => closed.push(i));
  const health = new HealthService(storage.handle, bus, P);
  let turn = 0;
  /** A heartbeat through this instance's ingest turn (one transaction, as `MqttIngest` runs it). */
  const beat = (gatewayId: string, at: number) =>
    bus.holdDuring(() =>
      storage.transaction((tx) =>
        health.onHeartbeat(
          { heartbeat: hb(gatewayId, at), gatewayId, homeId: null, at },
          { tx, turn: ++turn },
        ),
      ),
    );
  return { health, opened, closed, beat };
}

describe.skipIf(!needPostgres())('the health sweep with several instances on PostgreSQL', () => {
  const pg = usePostgres();
  const make = pg.store(
    'gateway_state, device_state, gateway_buckets, incidents, budget_alerts, device_warnings, platform_runs, health_due, gateways, homes, clients',
    (db) => db,
  );

  it('opens the incident of a gateway another instance ingested, once, and closes it when that one hears it again', async () => {
    const { stores: db, dispose } = await make();
    try {
      await seedHome(createPgRepositories(db), ['gw-a', 'gw-b']);
      const a = instance(pgStorage(db));
      const b = instance(pgStorage(db));
      await a.health.startRun(T0);
      await b.health.startRun(T0);
      // only A ingests; only B sweeps (it holds the lease)
      await a.beat('gw-a', T0 + 1_000);
      await a.beat('gw-b', T0 + 1_000);
      let t = T0 + 1_000;
      for (; t <= T0 + 1_000 + INTERVAL_MS * 3; t += P.sweepIntervalMs) {
        if ((t - T0 - 1_000) % INTERVAL_MS === 0) await a.beat('gw-a', t);
        await b.health.sweep(t);
      }
      expect(b.opened.map((i) => i.subjectId)).toEqual(['gw-b']);
      // downtime from the deadline of the first missed heartbeat
      expect(b.opened[0]!.startedAt).toBe(T0 + 1_000 + INTERVAL_MS);
      expect(a.opened).toEqual([]);
      // a second sweep on another instance (a lease hand-over) opens nothing again
      await a.health.sweep(t);
      await b.health.sweep(t);
      expect([...a.opened, ...b.opened]).toHaveLength(1);
      expect(await a.health.incidents.countOpen()).toBe(1);
      // the gateway comes back through A: A closes the incident B opened
      await a.beat('gw-b', t + 1);
      expect(a.closed.map((i) => i.subjectId)).toEqual(['gw-b']);
      expect(await b.health.incidents.countOpen()).toBe(0);
    } finally {
      await dispose();
    }
  });

  it('evaluates only what falls due: a steady fleet costs the sweep nothing', async () => {
    const { stores: db, dispose } = await make();
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `gw-${String(i).padStart(2, '0')}`);
      await seedHome(createPgRepositories(db), ids);
      const a = instance(pgStorage(db));
      const b = instance(pgStorage(db));
      await b.health.startRun(T0);
      for (const id of ids) await a.beat(id, T0 + 1_000);
      await b.health.sweep(T0 + 15_000);
      expect(b.health.lastSweepEvaluated).toBe(0);
      for (const id of ids) await a.beat(id, T0 + 1_000 + INTERVAL_MS);
      await b.health.sweep(T0 + 1_000 + INTERVAL_MS * 1.5 + 15_000);
      expect(b.health.lastSweepEvaluated).toBe(0);
      // silent past the stale threshold: each evaluated once, none offline yet
      await b.health.sweep(T0 + 1_000 + INTERVAL_MS * 2.5 + 1);
      expect(b.health.lastSweepEvaluated).toBe(ids.length);
      expect(b.opened).toEqual([]);
    } finally {
      await dispose();
    }
  });
});
