import { type EventEnvelope, type HeartbeatPayload, MQTT_EXAMPLE_PAYLOADS } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { type Storage, sqliteStorage } from '../../store/storage.js';
import { DomainEventBus } from '../ingest/domain-events.js';
import { HealthMemo } from './health-memo.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { HealthService } from './health-service.js';
import type { HealthStores } from './health-stores.js';
import { healthStoresOn } from './health-stores-on.js';

// The health memo saves the heartbeat's and the event's reads of what health itself wrote
// (health-memo.ts); these tests hold it to the database's answers, a rolled-back turn included.
const GW = 'gw-memo-0001';
const T0 = 1_800_000_000_000;
const P = DEFAULT_HEALTH_POLICY;
const DAY = 24 * 3600_000;

let db: Db;
let storage: Storage;
let stores: HealthStores;
let bus: DomainEventBus;
let health: HealthService;
let turns = 0;
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
/** One ingest turn: its own transaction, the bus held until it commits. */
const inTurn = (fn: (ctx: { tx: Storage['handle']; turn: number }) => Promise<void>, turn = ++turns) =>
  bus.holdDuring(() => storage.transaction((tx) => fn({ tx, turn })));
const beat = (at: number, over: Partial<HeartbeatPayload> = {}) =>
  inTurn((ctx) =>
    health.onHeartbeat({ heartbeat: hb({ sentAt: at, ...over }), gatewayId: GW, homeId: null, at }, ctx),
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
const turn = async (events: EventEnvelope[], at: number, n: number) => {
  await inTurn(async (ctx) => {
    await health.touchFromEvents(
      events.map((event) => ({ event })),
      { ...ctx, storedAt: at },
    );
  }, n);
  for (const e of events) health.onEvent({ event: e, homeId: null, storedAt: at });
  await health.idle();
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
  storage = sqliteStorage(db);
  // every store the service builds, on the shared handle and on each turn's, counts its reads
  const storesOn = (h: Storage['handle']): HealthStores => {
    const raw = healthStoresOn(h, P);
    return {
      ...raw,
      states: counted(raw.states, ['gateway', 'devices', 'device', 'touchAll']),
      incidents: counted(raw.incidents, ['openFor']),
      warnings: counted(raw.warnings, ['openOne', 'clear']),
    };
  };
  stores = healthStoresOn(storage.handle, P);
  bus = new DomainEventBus();
  health = new HealthService(storage.handle, bus, P, { storesOn });
  await health.startRun(T0);
});
afterEach(() => db.close());

describe('health memo', () => {
  it('a steady heartbeat reads no incident, warning or device row it already knows', async () => {
    await beat(T0 + 1_000);
    reads = {};
    await beat(T0 + 61_000);
    expect(reads.openFor ?? 0).toBe(0);
    expect(reads.clear ?? 0).toBe(0);
    expect(reads.openOne ?? 0).toBe(0);
    expect(reads.device ?? 0).toBe(0);
    // what was written is what a fresh service reads from the database
    expect(await health.states.device(GW, 'pendant-7f3a')).toMatchObject({ link: 'up', linkChanges: [] });
  });

  it('still opens and closes what the heartbeat says, and counts link changes across heartbeats', async () => {
    await beat(T0 + 1_000);
    await beat(T0 + 2_000, { mains: 'off' });
    expect(await stores.warnings.openOne(GW, GW, 'mains_lost')).toBeDefined();
    await beat(T0 + 3_000, { mains: 'on' });
    expect(await stores.warnings.openOne(GW, GW, 'mains_lost')).toBeUndefined();
    const down = hb().devices.map((d) =>
      d.deviceId === 'pendant-7f3a' ? { ...d, link: 'down' as const } : d,
    );
    await beat(T0 + 4_000, { devices: down });
    await beat(T0 + 5_000);
    expect((await health.states.device(GW, 'pendant-7f3a'))?.linkChanges).toEqual([T0 + 4_000, T0 + 5_000]);
  });

  it('an event from a gateway and device evaluated online is not evaluated again', async () => {
    await beat(T0 + 1_000);
    reads = {};
    await turn([event('evt-memo-1', T0 + 2_000)], T0 + 2_000, 1);
    expect(reads.gateway ?? 0).toBe(0);
    expect(reads.devices ?? 0).toBe(0);
  });

  it('an event from a gateway found silent by the sweep closes its incident', async () => {
    await beat(T0 + 1_000);
    const late = T0 + 1_000 + 3 * 60_000;
    await health.sweep(late);
    expect(openIncidents()).toContainEqual({ kind: 'gateway', subject: GW });
    await turn([event('evt-memo-2', late + 1)], late + 1, 2);
    expect(openIncidents()).not.toContainEqual({ kind: 'gateway', subject: GW });
    expect(health.gatewayState((await health.states.gateway(GW))!, late + 1)).toBe('online');
  });

  it("writes a turn's last-seen in one statement per turn", async () => {
    const at = T0 + 5_000;
    await turn([event('a', at), event('b', at), event('c', at)], at, 7);
    expect(reads.touchAll).toBe(1);
    await turn([event('d', at), event('e', at)], at, 8);
    expect(reads.touchAll).toBe(2);
    expect((await health.states.device(GW, 'pendant-7f3a'))?.lastSeenAt).toBe(at);
  });

  it('a rolled-back turn leaves nothing in the memo that the database does not hold', async () => {
    await beat(T0 + 1_000, { mains: 'off' });
    expect(await stores.warnings.openOne(GW, GW, 'mains_lost')).toBeDefined();
    // the turn closes the warning, then a later write fails: all of it rolls back
    await expect(
      inTurn(async (ctx) => {
        await health.onHeartbeat(
          { heartbeat: hb({ mains: 'on' }), gatewayId: GW, homeId: null, at: T0 + 2_000 },
          ctx,
        );
        throw new Error('a later write failed');
      }),
    ).rejects.toThrow('a later write failed');
    expect(await stores.warnings.openOne(GW, GW, 'mains_lost')).toBeDefined();
    // the next heartbeat closes it for real
    await beat(T0 + 3_000, { mains: 'on' });
    expect(await stores.warnings.openOne(GW, GW, 'mains_lost')).toBeUndefined();
  });

  it('starts afresh past its limit', async () => {
    const memo = new HealthMemo(4);
    for (let i = 0; i < 4; i++) memo.setOnline(GW, `d${i}`, true);
    expect(memo.size).toBe(4);
    memo.setOnline(GW, 'd4', true);
    expect(memo.size).toBe(1);
    expect(memo.isOnline(GW, 'd0')).toBe(false);
  });
});

describe('budget sweep', () => {
  it('clears budget alerts only where one is open, not for every home with downtime in its year', async () => {
    const raw = healthStoresOn(storage.handle, P);
    const cleared: string[] = [];
    const storesOn = (h: Storage['handle']): HealthStores => {
      const s = healthStoresOn(h, P);
      const alerts = new Proxy(s.alerts, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (prop !== 'clear' || typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            cleared.push(String(args[0]));
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return { ...s, alerts };
    };
    const h = new HealthService(storage.handle, new DomainEventBus(), P, { storesOn });
    await h.startRun(T0);
    // fifty homes each down for a second (a restart): downtime in their year, far from burning
    for (let i = 0; i < 50; i++) {
      const { incident } = await raw.incidents.open(
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
      await raw.incidents.close(incident.incidentId, T0 + 2_000);
    }
    // one home whose burn alert is open while it no longer burns
    await raw.alerts.raise('home-recovered', 'burn_fast', null, T0, {});
    await h.sweep(T0 + 10_000);
    expect(new Set(cleared)).toEqual(new Set(['home-recovered']));
    expect(await raw.alerts.burningScopes()).toEqual([]);
  });

  it("reads a year of incidents only for scopes down lately or with an open alert, not the fleet's year", async () => {
    const raw = healthStoresOn(storage.handle, P);
    const asked: Array<readonly string[] | undefined> = [];
    const storesOn = (h: Storage['handle']): HealthStores => {
      const s = healthStoresOn(h, P);
      const incidents = new Proxy(s.incidents, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (prop !== 'spansByScope' || typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            if (args[0] === T0 + 30 * DAY - P.budget.yearMs)
              asked.push(args[2] as readonly string[] | undefined);
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return { ...s, incidents };
    };
    const h = new HealthService(storage.handle, new DomainEventBus(), P, { storesOn });
    await h.startRun(T0);
    const down = async (home: string, from: number, to: number | null) => {
      const { incident } = await raw.incidents.open(
        {
          subjectKind: 'gateway',
          subjectId: `gw-${home}`,
          gatewayId: `gw-${home}`,
          homeId: home,
          cause: 'offline',
          startedAt: from,
        },
        from,
      );
      if (to !== null) await raw.incidents.close(incident.incidentId, to);
    };
    // twenty homes down for an hour ten days ago; one down now; one with an open alert
    for (let i = 0; i < 20; i++) await down(`home-old-${i}`, T0 + 20 * DAY, T0 + 20 * DAY + 3600_000);
    await down('home-now', T0 + 30 * DAY - 60_000, null);
    await raw.alerts.raise('home-alerted', 'burn_slow', null, T0, {});
    await h.sweep(T0 + 30 * DAY);
    expect(asked.map((s) => [...(s ?? ['(all)'])].sort())).toEqual([['home-alerted', 'home-now']]);
  });
});
