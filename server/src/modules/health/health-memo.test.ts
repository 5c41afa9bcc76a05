import { type EventEnvelope, type HeartbeatPayload, MQTT_EXAMPLE_PAYLOADS } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { DomainEventBus } from '../ingest/domain-events.js';
import { HealthMemo } from './health-memo.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { HealthService } from './health-service.js';
import type { HealthStores } from './legacy-sync/health-stores.js';
import { sqliteHealthStores } from './legacy-sync/sqlite-health-stores.js';

// The health memo saves the heartbeat's and the event's reads of what health itself wrote
// (health-memo.ts); these tests hold it to the database's answers, a rolled-back turn included.
const GW = 'gw-memo-0001';
const T0 = 1_800_000_000_000;
const P = DEFAULT_HEALTH_POLICY;

let db: Db;
let stores: HealthStores;
let bus: DomainEventBus;
let health: HealthService;
/** A synchronous SQLite transaction, as the ingest turn runs these writes on SQLite. */
const tx = { transaction: <T>(fn: () => T): T => db.transaction(fn)() };
/** Calls of the SQLite stores' reads, by name. */
let reads: Record<string, number>;

/** Counts calls of `names` on a store, passing every call through to it. */
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

const hb = (over: Partial<HeartbeatPayload> = {}): HeartbeatPayload => ({
  ...MQTT_EXAMPLE_PAYLOADS.heartbeat,
  gatewayId: GW,
  ...over,
});
const beat = (at: number, over: Partial<HeartbeatPayload> = {}) =>
  bus.holdWhile(() =>
    tx.transaction(() =>
      health.onHeartbeat({ heartbeat: hb({ sentAt: at, ...over }), gatewayId: GW, homeId: null, at }),
    ),
  );
const event = (id: string, at: number): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId: GW,
    deviceId: 'pendant-7f3a',
    deviceKind: 'pendant',
    kind: 'battery',
    priority: 'normal',
    deviceTime: null,
    receivedAt: at,
    data: { percent: 88 },
  }) as EventEnvelope;
/** One ingest turn of events as ingest runs it: touches in the transaction, `onEvent` after it. */
const turn = (events: EventEnvelope[], at: number, n: number) => {
  tx.transaction(() => {
    for (const e of events) health.touchFromEvent(e, at, n);
  });
  for (const e of events) health.onEvent({ event: e, homeId: null, storedAt: at });
};
const openIncidents = () =>
  db
    .prepare('SELECT subject_kind AS kind, subject_id AS subject FROM incidents WHERE ended_at IS NULL')
    .all();

beforeEach(async () => {
  db = openDatabase(':memory:');
  await createSqliteRepositories(db).gateways.create({
    id: GW,
    homeId: null,
    serial: null,
    createdAt: T0,
    revokedAt: null,
    mqttPasswordHash: 'x',
  });
  reads = {};
  const raw = sqliteHealthStores(db, P);
  stores = {
    ...raw,
    states: counted(raw.states, ['gateway', 'devices', 'device', 'touchDevice', 'touchGateway']),
    incidents: counted(raw.incidents, ['openFor']),
    warnings: counted(raw.warnings, ['openOne', 'clear']),
  };
  bus = new DomainEventBus();
  health = new HealthService(stores, bus, P);
  health.startRun(T0);
});
afterEach(() => db.close());

describe('health memo', () => {
  it('a steady heartbeat reads no incident, warning or device row it already knows', () => {
    beat(T0 + 1_000);
    reads = {};
    beat(T0 + 61_000);
    expect(reads.openFor ?? 0).toBe(0);
    expect(reads.clear ?? 0).toBe(0);
    expect(reads.openOne ?? 0).toBe(0);
    expect(reads.device ?? 0).toBe(0);
    // what was written is what a fresh service reads from the database
    expect(health.states.device(GW, 'pendant-7f3a')).toMatchObject({ link: 'up', linkChanges: [] });
  });

  it('still opens and closes what the heartbeat says, and counts link changes across heartbeats', () => {
    beat(T0 + 1_000);
    beat(T0 + 2_000, { mains: 'off' });
    expect(stores.warnings.openOne(GW, GW, 'mains_lost')).toBeDefined();
    beat(T0 + 3_000, { mains: 'on' });
    expect(stores.warnings.openOne(GW, GW, 'mains_lost')).toBeUndefined();
    const down = hb().devices.map((d) =>
      d.deviceId === 'pendant-7f3a' ? { ...d, link: 'down' as const } : d,
    );
    beat(T0 + 4_000, { devices: down });
    beat(T0 + 5_000);
    expect(health.states.device(GW, 'pendant-7f3a')?.linkChanges).toEqual([T0 + 4_000, T0 + 5_000]);
  });

  it('an event from a gateway and device evaluated online is not evaluated again', () => {
    beat(T0 + 1_000);
    reads = {};
    turn([event('evt-memo-1', T0 + 2_000)], T0 + 2_000, 1);
    expect(reads.gateway ?? 0).toBe(0);
    expect(reads.devices ?? 0).toBe(0);
  });

  it('an event from a gateway found silent by the sweep closes its incident', () => {
    beat(T0 + 1_000);
    const late = T0 + 1_000 + 3 * 60_000;
    health.sweep(late);
    expect(openIncidents()).toContainEqual({ kind: 'gateway', subject: GW });
    turn([event('evt-memo-2', late + 1)], late + 1, 2);
    expect(openIncidents()).not.toContainEqual({ kind: 'gateway', subject: GW });
    expect(health.gatewayState(health.states.gateway(GW)!, late + 1)).toBe('online');
  });

  it("writes a turn's last-seen once per gateway and device, and again in the next turn", () => {
    const at = T0 + 5_000;
    turn([event('a', at), event('b', at), event('c', at)], at, 7);
    expect(reads.touchDevice).toBe(1);
    turn([event('d', at), event('e', at)], at, 8);
    expect(reads.touchDevice).toBe(2);
    expect(health.states.device(GW, 'pendant-7f3a')?.lastSeenAt).toBe(at);
  });

  it('a rolled-back turn leaves nothing in the memo that the database does not hold', () => {
    beat(T0 + 1_000, { mains: 'off' });
    expect(stores.warnings.openOne(GW, GW, 'mains_lost')).toBeDefined();
    // the turn closes the warning, then a later write fails: all of it rolls back
    expect(() =>
      bus.holdWhile(() =>
        tx.transaction(() => {
          health.onHeartbeat({ heartbeat: hb({ mains: 'on' }), gatewayId: GW, homeId: null, at: T0 + 2_000 });
          throw new Error('a later write failed');
        }),
      ),
    ).toThrow('a later write failed');
    expect(stores.warnings.openOne(GW, GW, 'mains_lost')).toBeDefined();
    // the next heartbeat closes it for real
    beat(T0 + 3_000, { mains: 'on' });
    expect(stores.warnings.openOne(GW, GW, 'mains_lost')).toBeUndefined();
  });

  it('starts afresh past its limit', () => {
    const memo = new HealthMemo(4);
    for (let i = 0; i < 4; i++) memo.setOnline(GW, `d${i}`, true);
    expect(memo.size).toBe(4);
    memo.setOnline(GW, 'd4', true);
    expect(memo.size).toBe(1);
    expect(memo.isOnline(GW, 'd0')).toBe(false);
  });
});

describe('budget sweep', () => {
  it('clears budget alerts only where one is open, not for every home with downtime in its year', () => {
    const raw = sqliteHealthStores(db, P);
    const cleared: string[] = [];
    const alerts = new Proxy(raw.alerts, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop !== 'clear' || typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          cleared.push(String(args[0]));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const h = new HealthService({ ...raw, alerts }, new DomainEventBus(), P);
    h.startRun(T0);
    // fifty homes each down for a second (a restart): downtime in their year, far from burning
    for (let i = 0; i < 50; i++) {
      const inc = raw.incidents.open(
        {
          subjectKind: 'gateway',
          subjectId: `gw-${i}`,
          gatewayId: `gw-${i}`,
          homeId: `home-${i}`,
          cause: 'offline',
          startedAt: T0 + 1_000,
        },
        T0 + 1_000,
      );
      raw.incidents.close(inc.incidentId, T0 + 2_000);
    }
    // one home whose burn alert is open while it no longer burns
    raw.alerts.raise('home-recovered', 'burn_fast', null, T0, {});
    h.sweep(T0 + 10_000);
    expect(new Set(cleared)).toEqual(new Set(['home-recovered']));
    expect(raw.alerts.burningScopes()).toEqual([]);
  });
});
