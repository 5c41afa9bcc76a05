import type { EventEnvelope, HeartbeatPayload } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { DomainEventBus } from '../ingest/domain-events.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { SqliteWarningStore } from './sqlite-warning-store.js';
import type { DeviceRow } from './state-store.js';
import { WarningRules } from './warning-rules.js';
import type { WarningStore } from './warning-store.js';

const p = DEFAULT_HEALTH_POLICY.warnings;
let db: Db;
let store: WarningStore;
let rules: WarningRules;
let events: string[];

const hb = (over: Partial<HeartbeatPayload> = {}): HeartbeatPayload => ({
  v: 1,
  gatewayId: 'gw-0001',
  sentAt: 0,
  uptimeS: 1,
  software: '0.1.0',
  intervalS: 60,
  outbox: { depth: 0, oldestAgeS: null },
  scan: { running: true, restarts: 0 },
  devices: [],
  ...over,
});
const dev = (over: Partial<DeviceRow> = {}): DeviceRow => ({
  gatewayId: 'gw-0001',
  deviceId: 'pendant-1',
  kind: 'pendant',
  link: 'up',
  lastSeenAt: 0,
  rssi: null,
  battery: null,
  firmware: null,
  linkChanges: [],
  ...over,
});
const ev = (kind: string, data: object, deviceKind: EventEnvelope['deviceKind'] = 'keysafe') =>
  ({
    v: 1,
    id: 'evt-00000001',
    gatewayId: 'gw-0001',
    deviceId: 'KS-1',
    deviceKind,
    kind,
    priority: 'normal',
    deviceTime: null,
    receivedAt: 0,
    data,
  }) as EventEnvelope;
const open = async () =>
  (await store.list({ open: true, limit: 100 })).map((w) => `${w.deviceId}:${w.kind}`).sort();

beforeEach(() => {
  db = openDatabase(':memory:');
  store = new SqliteWarningStore(sqliteHandle(db));
  const bus = new DomainEventBus();
  events = [];
  bus.on('warning.opened', (w) => events.push(`+${w.kind}`));
  bus.on('warning.closed', (w) => events.push(`-${w.kind}`));
  rules = new WarningRules(bus, p);
});
afterEach(() => db.close());

describe('WarningRules', async () => {
  it('low battery opens at the threshold and closes only above the recovery level (hysteresis)', async () => {
    await rules.onHeartbeat(store, 'gw-0001', hb(), [dev({ battery: p.lowBatteryPercent })], 1);
    await rules.onHeartbeat(store, 'gw-0001', hb(), [dev({ battery: 10 })], 2);
    await rules.onHeartbeat(store, 'gw-0001', hb(), [dev({ battery: p.batteryRecoveredPercent - 1 })], 3);
    expect(await open()).toEqual(['pendant-1:low_battery']);
    await rules.onHeartbeat(store, 'gw-0001', hb(), [dev({ battery: p.batteryRecoveredPercent })], 4);
    expect(await open()).toEqual([]);
    expect(events).toEqual(['+low_battery', '-low_battery']);
    const [w] = await store.list({ limit: 1 });
    expect(w).toMatchObject({ firstSeenAt: 1, lastSeenAt: 2, closedAt: 4, detail: { percent: 10 } });
  });

  it('link flapping: N link changes inside the window', async () => {
    const changes = Array.from({ length: p.flapChanges }, (_, i) => 1000 + i);
    await rules.onHeartbeat(store, 'gw-0001', hb(), [dev({ linkChanges: changes.slice(1) })], 2000);
    expect(await open()).toEqual([]);
    await rules.onHeartbeat(store, 'gw-0001', hb(), [dev({ linkChanges: changes })], 2000);
    expect(await open()).toEqual(['pendant-1:link_flapping']);
    await rules.onHeartbeat(
      store,
      'gw-0001',
      hb(),
      [dev({ linkChanges: changes })],
      1000 + p.flapWindowMs + 10,
    );
    expect(await open()).toEqual([]);
  });

  it('mains, outbox backlog, clock drift and tamper from heartbeats and key-safe events', async () => {
    await rules.onHeartbeat(
      store,
      'gw-0001',
      hb({ mains: 'off', outbox: { depth: 1, oldestAgeS: p.outboxOldestAgeS } }),
      [],
      1,
    );
    await rules.onEvent(store, ev('clock_report', { deviceTime: 0, offsetMs: -(p.clockDriftMs + 1) }), 1);
    await rules.onEvent(store, ev('tamper', {}), 1);
    await rules.onEvent(store, ev('mains_lost', {}), 1);
    expect(await open()).toEqual([
      'KS-1:clock_drift',
      'KS-1:mains_lost',
      'KS-1:tamper',
      'gw-0001:mains_lost',
      'gw-0001:outbox_backlog',
    ]);
    await rules.onHeartbeat(store, 'gw-0001', hb({ mains: 'on' }), [], 2);
    await rules.onEvent(store, ev('clock_report', { deviceTime: 0, offsetMs: 10 }), 2);
    await rules.onEvent(store, ev('mains_restored', {}), 2);
    await rules.sweep(store, 1 + p.quietCloseMs - 1);
    expect(await open()).toEqual(['KS-1:tamper']);
    await rules.sweep(store, 2 + p.quietCloseMs);
    expect(await open()).toEqual([]);
  });
});

describe('WarningRules.changesNothing (the answer without a promise)', () => {
  const cases: Array<[string, EventEnvelope]> = [
    ['an alarm', ev('alarm', {}, 'pendant')],
    ['a battery reading above recovery', ev('battery', { percent: p.batteryRecoveredPercent })],
    ['a battery reading between the levels', ev('battery', { percent: p.batteryRecoveredPercent - 1 })],
    ['a low battery reading', ev('battery', { percent: p.lowBatteryPercent })],
    ['a battery event without a number', ev('battery', { percent: 'x' })],
    ['low_battery', ev('low_battery', { percent: 5 })],
    ['mains_lost', ev('mains_lost', {})],
    ['mains_restored', ev('mains_restored', {})],
    ['tamper', ev('tamper', {})],
    ['door_forced', ev('door_forced', {})],
    ['a clock report within the drift', ev('clock_report', { deviceTime: 0, offsetMs: 10 })],
    ['a clock report past the drift', ev('clock_report', { deviceTime: 0, offsetMs: p.clockDriftMs + 1 })],
  ];

  it.each(cases)('%s: true exactly when onEvent would only clear kinds known closed', async (_, e) => {
    for (const known of [true, false]) {
      // the store records what onEvent asks of it; a clear of a kind known closed is what the
      // memo answers without a write (memoWarnings)
      const asked: string[] = [];
      const recording: WarningStore = {
        ...store,
        raise: async (...a) => {
          asked.push(`raise ${a[2]}`);
          return store.raise(...a);
        },
        clear: async (...a) => {
          if (!known) asked.push(`clear ${a[2]}`);
          return known ? undefined : store.clear(...a);
        },
      };
      const quiet = rules.changesNothing(e, () => known);
      await rules.onEvent(recording, e, 1);
      expect({ known, quiet }).toEqual({ known, quiet: asked.length === 0 });
    }
    expect(rules.changesNothing(ev('battery', { percent: 90 }), () => true)).toBe(true);
    expect(rules.changesNothing(ev('battery', { percent: 90 }), () => false)).toBe(false);
  });
});
