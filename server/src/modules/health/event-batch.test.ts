import type { EventEnvelope } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { createSqliteRepositories } from '../../store/sqlite/index.js';
import { type Storage, sqliteStorage } from '../../store/storage.js';
import { DomainEventBus } from '../ingest/domain-events.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { HealthService } from './health-service.js';
import type { HealthStores } from './health-stores.js';
import { healthStoresOn } from './health-stores-on.js';

// Where the memo is off (several instances on PostgreSQL; here SQLite told it is shared), the work
// after an ingest turn's commit reads what its events need one query per table, not per event.
const T0 = 1_800_000_000_000;
const P = DEFAULT_HEALTH_POLICY;
const GWS = ['gw-batch-1', 'gw-batch-2', 'gw-batch-3'];

let db: Db;
let storage: Storage;
let bus: DomainEventBus;
let health: HealthService;
let calls: Record<string, number>;

/** Counts calls of `names` on a store, passing every call through to it. */
function counted<T extends object>(store: T, names: string[]): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || !names.includes(String(prop))) return v;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const battery = (id: string, gatewayId: string, percent: number): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId,
    deviceId: 'pendant-1',
    deviceKind: 'pendant',
    kind: 'battery',
    priority: 'normal',
    deviceTime: null,
    receivedAt: T0,
    data: { percent },
  }) as EventEnvelope;

/** One ingest turn of `events` at `at`: touches in its transaction, the after-commit work after it. */
async function turn(events: EventEnvelope[], at: number): Promise<void> {
  await bus.holdDuring(() =>
    storage.transaction((tx) =>
      health.touchFromEvents(
        events.map((event) => ({ event })),
        { tx, turn: at, storedAt: at },
      ),
    ),
  );
  for (const event of events) health.onEvent({ event, homeId: null, storedAt: at });
  await health.idle();
}

const openWarnings = () =>
  db.prepare('SELECT gateway_id AS gw, kind FROM device_warnings WHERE closed_at IS NULL ORDER BY gw').all();
const openIncidents = () =>
  db.prepare('SELECT subject_id AS subject FROM incidents WHERE ended_at IS NULL ORDER BY subject').all();

beforeEach(async () => {
  db = openDatabase(':memory:');
  const repos = createSqliteRepositories(db);
  for (const id of GWS)
    await repos.gateways.create({
      id,
      homeId: null,
      serial: null,
      createdAt: T0,
      revokedAt: null,
      mqttPasswordHash: 'x',
    });
  calls = {};
  storage = sqliteStorage(db);
  const storesOn = (h: Storage['handle']): HealthStores => {
    const raw = healthStoresOn(h, P);
    return {
      ...raw,
      states: counted(raw.states, ['gateway', 'devices', 'gatewaysIn', 'devicesIn']),
      incidents: counted(raw.incidents, ['openFor', 'openForAll']),
      warnings: counted(raw.warnings, ['openOne', 'clear', 'openOfDevices']),
    };
  };
  bus = new DomainEventBus();
  health = new HealthService(storage.handle, bus, P, { shared: true, storesOn });
  await health.startRun(T0);
  calls = {};
});
afterEach(() => db.close());

describe("an ingest turn's after-commit work where the memo is off", () => {
  it("reads the turn's gateways, devices, incidents and warnings once each, not once per event", async () => {
    await turn(
      GWS.flatMap((gw, i) => [battery(`a${i}`, gw, 88), battery(`b${i}`, gw, 87)]),
      T0 + 1_000,
    );
    expect(calls).toEqual({ gatewaysIn: 1, devicesIn: 1, openForAll: 1, openOfDevices: 1 });
    expect(openWarnings()).toEqual([]);
  });

  it('still raises and clears warnings in event order, and closes the incident of a gateway heard again', async () => {
    await turn([battery('c1', GWS[0]!, 5), battery('c2', GWS[1]!, 5)], T0 + 1_000);
    expect(openWarnings()).toEqual([
      { gw: GWS[0], kind: 'low_battery' },
      { gw: GWS[1], kind: 'low_battery' },
    ]);
    const late = T0 + 1_000 + 3 * 60_000;
    await health.sweep(late);
    expect(openIncidents()).toContainEqual({ subject: GWS[0] });
    // in one turn: gw 1 recovers then runs low again; gw 2 recovers
    await turn([battery('d1', GWS[0]!, 90), battery('d2', GWS[1]!, 90), battery('d3', GWS[0]!, 4)], late + 1);
    expect(openWarnings()).toEqual([{ gw: GWS[0], kind: 'low_battery' }]);
    expect(openIncidents()).not.toContainEqual({ subject: GWS[0] });
    expect(openIncidents()).not.toContainEqual({ subject: GWS[1] });
  });
});
