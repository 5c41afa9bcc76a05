import { type HeartbeatPayload, MQTT_EXAMPLE_PAYLOADS } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { type StoreHandle, sqliteStoreHandle } from '../../store/storage.js';
import { DomainEventBus, type DomainEventMap } from '../ingest/domain-events.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { HealthService } from './health-service.js';
import type { HealthStores } from './health-stores.js';
import { healthStoresOn } from './health-stores-on.js';

// The sweep evaluates only what time alone has changed (docs/scaling.md §4): a steady fleet costs
// it nothing, a silent gateway is still found on the first sweep past its threshold.
const T0 = 1_800_000_000_000;
const P = DEFAULT_HEALTH_POLICY;
const N = 200;
const gw = (i: number) => `gw-sweep-${String(i).padStart(4, '0')}`;
const INTERVAL_MS = 60_000;

let db: Db;
let bus: DomainEventBus;
let health: HealthService;
/** Reads of the state store by name (the sweep's cost per gateway). */
let reads: Record<string, number>;
let updates: Array<DomainEventMap['device.updated']>;
let opened: Array<DomainEventMap['incident.opened']>;

function counted<T extends object>(store: T, names: string[]): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || !names.includes(String(prop))) return v;
      return (...args: unknown[]) => {
        reads[String(prop)] = (reads[String(prop)] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const hb = (id: string, at: number): HeartbeatPayload => ({
  ...MQTT_EXAMPLE_PAYLOADS.heartbeat,
  gatewayId: id,
  sentAt: at,
  intervalS: INTERVAL_MS / 1000,
});
let handle: StoreHandle;
let turns = 0;
/** A heartbeat as the ingest turn applies it (here on the shared handle: no transaction needed). */
const beat = (i: number, at: number) =>
  health.onHeartbeat(
    { heartbeat: hb(gw(i), at), gatewayId: gw(i), homeId: null, at },
    { tx: handle, turn: ++turns },
  );
const stopped = new Set<number>();
/** Every gateway not in `stopped` beats at `at`. */
const beatAll = async (at: number) => {
  for (let i = 0; i < N; i++) if (!stopped.has(i)) await beat(i, at);
};

beforeEach(async () => {
  db = openDatabase(':memory:');
  const repos = createSqliteRepositories(db);
  for (let i = 0; i < N; i++)
    await repos.gateways.create({
      id: gw(i),
      homeId: null,
      serial: null,
      createdAt: T0,
      revokedAt: null,
      mqttPasswordHash: 'x',
    });
  reads = {};
  updates = [];
  opened = [];
  stopped.clear();
  handle = sqliteStoreHandle(sqliteHandle(db));
  const storesOn = (h: StoreHandle): HealthStores => {
    const raw = healthStoresOn(h, P);
    return { ...raw, states: counted(raw.states, ['gateways', 'gateway', 'devices']) };
  };
  bus = new DomainEventBus();
  bus.on('device.updated', (u) => updates.push(u));
  bus.on('incident.opened', (i) => opened.push(i));
  health = new HealthService(handle, bus, P, { storesOn });
  await health.startRun(T0);
  await beatAll(T0 + 1_000);
});
afterEach(() => db.close());

describe('health sweep', () => {
  it('reads nothing for a fleet whose heartbeats keep coming', async () => {
    reads = {};
    for (let t = T0 + 15_000; t <= T0 + 300_000; t += 15_000) {
      if (t % INTERVAL_MS === 0) await beatAll(t);
      const before = { ...reads };
      await health.sweep(t);
      expect(reads).toEqual(before);
      expect(health.lastSweepEvaluated).toBe(0);
    }
  });

  it('finds a silent gateway on the first sweep past each threshold, evaluating only it', async () => {
    stopped.add(7);
    const stale = T0 + 1_000 + INTERVAL_MS * P.staleAfterIntervals;
    const offline = T0 + 1_000 + INTERVAL_MS * P.offlineAfterIntervals;
    const states = () =>
      updates.filter((u) => u.subjectKind === 'gateway' && u.gatewayId === gw(7)).map((u) => u.state);
    for (let t = T0 + 15_000; t <= offline + 15_000; t += 15_000) {
      if (t % INTERVAL_MS === 0) await beatAll(t);
      reads = {};
      await health.sweep(t);
      const due = (t > stale && t - 15_000 <= stale) || (t > offline && t - 15_000 <= offline);
      expect(health.lastSweepEvaluated, `sweep at +${t - T0} ms`).toBe(due ? 1 : 0);
      expect(reads.gateways ?? 0).toBe(0);
    }
    expect(states()).toEqual(['unknown', 'online', 'stale', 'offline']);
    expect(opened.map((i) => i.subjectId)).toEqual([gw(7)]);
    // downtime from the deadline of the first missed heartbeat, as the full sweep counted it
    expect(opened[0]!.startedAt).toBe(T0 + 1_000 + INTERVAL_MS);
  });

  it('marks each history bucket an offline gateway spends offline', async () => {
    stopped.add(3);
    const end = T0 + 40 * 60_000;
    for (let t = T0 + 15_000; t <= end; t += 15_000) {
      if (t % INTERVAL_MS === 0) await beatAll(t);
      await health.sweep(t);
    }
    const offlineFrom = T0 + 1_000 + INTERVAL_MS * P.offlineAfterIntervals;
    const firstBucket = Math.floor(offlineFrom / P.bucketMs) * P.bucketMs;
    const marked = (await health.states.buckets(gw(3), T0))
      .filter((b) => b.offline === 1)
      .map((b) => b.bucketStart);
    const want: number[] = [];
    for (let b = firstBucket; b <= end; b += P.bucketMs) want.push(b);
    expect(marked).toEqual(want);
  });

  it('evaluates the whole fleet again after a rolled-back turn', async () => {
    health.forget();
    reads = {};
    await health.sweep(T0 + 15_000);
    expect(reads.gateways).toBe(1);
    expect(health.lastSweepEvaluated).toBe(N);
    await health.sweep(T0 + 30_000);
    expect(health.lastSweepEvaluated).toBe(0);
  });
});
