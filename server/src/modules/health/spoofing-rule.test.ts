import { type HeartbeatPayload, MQTT_EXAMPLE_PAYLOADS } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../store/database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { type DomainEvent, DomainEventBus } from '../ingest/domain-events.js';
import { DEFAULT_HEALTH_POLICY } from './health-policy.js';
import { SqliteWarningStore } from './sqlite-warning-store.js';
import { WarningRules } from './warning-rules.js';

let db: Db;
let store: SqliteWarningStore;
let seen: DomainEvent[];
let rules: WarningRules;

const hb = (refused?: Record<string, number>): HeartbeatPayload => {
  const base = MQTT_EXAMPLE_PAYLOADS.heartbeat;
  return {
    ...base,
    devices: base.devices.map((d) => (d.kind === 'pendant' && refused ? { ...d, refused } : d)),
  };
};

beforeEach(() => {
  db = openDatabase(':memory:');
  store = new SqliteWarningStore(sqliteHandle(db));
  const bus = new DomainEventBus();
  seen = [];
  bus.onAny((e) => seen.push(e));
  rules = new WarningRules(bus, DEFAULT_HEALTH_POLICY.warnings);
});
afterEach(() => db.close());

describe('possible spoofing warning [PENDANT SPEC §5.2]', async () => {
  it('opens when a pendant refusal count rises, refreshes on new ones, closes after a quiet day', async () => {
    await rules.onHeartbeat(store, 'home-0042', hb(), [], 1_000);
    // an encrypted pendant paired without its key is a configuration problem, not spoofing
    await rules.onHeartbeat(store, 'home-0042', hb({ no_key: 3, malformed: 1 }), [], 1_500);
    expect(await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing')).toBeUndefined();
    await rules.onHeartbeat(store, 'home-0042', hb({ downgrade: 2 }), [], 2_000);
    const w = await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing');
    expect(w).toMatchObject({ firstSeenAt: 2_000, detail: { refused: { downgrade: 2 }, total: 2 } });
    await rules.onHeartbeat(store, 'home-0042', hb({ downgrade: 2, no_key: 9 }), [], 2_500);
    expect(String(w?.detail.message)).toMatch(/possible spoofing at this home/i);
    expect(seen.filter((e) => e.type === 'warning.opened')).toHaveLength(1);
    // the same count again is nothing new
    await rules.onHeartbeat(store, 'home-0042', hb({ downgrade: 2 }), [], 3_000);
    expect((await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing'))?.lastSeenAt).toBe(2_000);
    await rules.onHeartbeat(store, 'home-0042', hb({ downgrade: 2, replay: 1 }), [], 4_000);
    expect(await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing')).toMatchObject({
      lastSeenAt: 4_000,
      detail: { total: 3, newSinceLastReport: 1 },
    });
    await rules.sweep(store, 4_000 + DEFAULT_HEALTH_POLICY.warnings.quietCloseMs + 1);
    expect(await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing')).toBeUndefined();
  });

  it('a restarted server does not re-raise the counts it already warned about; a restarted unit counts anew', async () => {
    await rules.onHeartbeat(store, 'home-0042', hb({ auth_failed: 5 }), [], 1_000);
    const restarted = new WarningRules(new DomainEventBus(), DEFAULT_HEALTH_POLICY.warnings);
    await restarted.onHeartbeat(store, 'home-0042', hb({ auth_failed: 5 }), [], 2_000);
    expect((await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing'))?.lastSeenAt).toBe(1_000);
    await restarted.onHeartbeat(store, 'home-0042', hb({ replay: 1 }), [], 3_000);
    expect((await store.openOne('home-0042', 'pendant-7f3a', 'possible_spoofing'))?.lastSeenAt).toBe(3_000);
  });
});
