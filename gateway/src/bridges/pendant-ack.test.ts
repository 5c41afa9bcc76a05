import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockBleAir, MockClock, MockGattLink, MockGattPeripheral } from '@baken/hardware';
import {
  BAKEN_ACK_CHARACTERISTIC_UUID,
  BAKEN_ACK_SERVICE_UUID,
  BAKEN_ANNOUNCE,
  verifyBakenAck,
} from '@baken/protocols';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type CommittedEntry, GatewayBus, type ServerConfig } from '../event-bus.js';
import { Outbox } from '../outbox/outbox.js';
import { FaultySqlite } from '../testing/faulty-sqlite.js';
import {
  announceCommitted,
  PendantAck,
  type PendantAckOptions,
  type PendantAckState,
} from './pendant-ack.js';
import { SealedPendantVault } from './pendant-vault.js';

const ADDRESS = 'B4:CA:0E:00:00:05';
const KEY = new Uint8Array(16).fill(0x5a);

const config = (keyHex = Buffer.from(KEY).toString('hex')): ServerConfig =>
  ({
    revision: 1,
    heartbeatIntervalS: 60,
    pendants: [
      { deviceId: 'p-baken', address: ADDRESS, format: 'baken', keyHex },
      { deviceId: 'p-bthome', address: 'AA:00:00:00:00:01', format: 'bthome' },
    ],
    keysafes: [],
  }) as never;

const committed = (deviceId: string, kind: string, seq: number, format = 'baken') => ({
  id: `e-${seq}`,
  topic: 'events',
  payload: JSON.stringify({ deviceId, deviceKind: 'pendant', kind, seq, data: { format, counter: seq } }),
});

function setup(store?: { state: PendantAckState }, extra: PendantAckOptions = {}) {
  const clock = new MockClock();
  const air = new MockBleAir();
  const bus = new GatewayBus((_e, err) => {
    throw err;
  });
  const acks: number[] = [];
  const peripheral = new MockGattPeripheral(ADDRESS, [
    {
      uuid: BAKEN_ACK_SERVICE_UUID,
      characteristics: [
        {
          uuid: BAKEN_ACK_CHARACTERISTIC_UUID,
          flags: ['write'],
          onWrite: (v) => {
            const r = verifyBakenAck(v, { deviceId: 'b4ca0e000005', key: KEY });
            if (!r.ok) throw r.error;
            acks.push(r.value.counter);
          },
        },
      ],
    },
  ]);
  air.addPeripheral(peripheral);
  const ext = new PendantAck(
    {
      bus,
      clock,
      logger: pino({ level: 'silent' }),
      openGatt: (address) => new MockGattLink({ address, air }),
    },
    store === undefined
      ? extra
      : {
          store: {
            load: () => store.state,
            save: (s) => {
              store.state = s;
            },
          },
          ...extra,
        },
  );
  /** Advances the mock clock, letting the GATT promises settle in between. */
  const run = async (ms: number, step = 500) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      for (let i = 0; i < 5; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { clock, bus, peripheral, ext, acks, run };
}

describe('PendantAck [PENDANT SPEC §7]', () => {
  it('acks a committed Baken press event with the pendant key; ignores BTHome and battery reports', async () => {
    const t = setup();
    await t.ext.start();
    t.bus.emit('server-config', config());
    t.bus.emit('event-committed', committed('p-baken', 'alarm', 41));
    t.bus.emit('event-committed', committed('p-baken', 'battery', 42));
    t.bus.emit('event-committed', committed('p-bthome', 'alarm', 7, 'bthome'));
    t.bus.emit('event-committed', { id: 'hb', topic: 'heartbeat', payload: '{}' });
    await t.run(1_000);
    expect(t.acks).toEqual([41]);
    expect(t.ext.pending()).toEqual([]);
    expect(t.ext.stats.acked).toBe(1);
    await t.ext.stop();
  });

  it('waits for the key, retries with back-off while the pendant is out of reach, and survives a restart', async () => {
    const store = { state: { pending: [] } as PendantAckState };
    const t = setup(store);
    await t.ext.start();
    t.bus.emit('event-committed', committed('p-baken', 'fall', 9));
    await t.run(5_000);
    expect(t.acks).toEqual([]);
    expect(store.state.pending.map((p) => p.counter)).toEqual([9]);

    t.peripheral.setInRange(false);
    t.bus.emit('server-config', config());
    await t.run(10_000);
    // attempts at 0, +2, +4 (+8 is after this window): all failed
    expect(t.ext.stats.failedAttempts).toBe(3);
    await t.ext.stop();

    // a restart: the pending ack is loaded from the store and delivered once the pendant is reachable
    const again = setup(store);
    await again.ext.start();
    again.bus.emit('server-config', config());
    await again.run(1_000);
    expect(again.acks).toEqual([9]);
    expect(store.state.pending).toEqual([]);
    await again.ext.stop();
  });

  it('after a restart with no network, acks with the keys of the sealed vault (no server config needed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-ack-vault-'));
    try {
      // what the pendant bridge kept before the restart: the server's pairings, keys included
      new SealedPendantVault(dir).save({
        revision: 1,
        pairings: config().pendants,
        counters: {},
        recent: {},
      });
      const store = { state: { pending: [] } as PendantAckState };
      const t = setup(store, { savedPairings: () => new SealedPendantVault(dir).load().pairings });
      store.state.pending.push({ deviceId: 'p-baken', counter: 12, since: t.clock.now() });
      await t.ext.start();
      await t.run(1_000);
      expect(t.acks).toEqual([12]);
      // and a press heard after the restart, still without the network, is acked too
      t.bus.emit('event-committed', committed('p-baken', 'alarm', 13));
      await t.run(1_000);
      expect(t.acks).toEqual([12, 13]);
      await t.ext.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wrong key (the pendant refuses the write) is retried, and given up after the announce schedule', async () => {
    const t = setup();
    await t.ext.start();
    t.bus.emit('server-config', config('00'.repeat(16)));
    t.bus.emit('event-committed', committed('p-baken', 'alarm', 3));
    await t.run(BAKEN_ANNOUNCE.giveUpMs + 120_000, 60_000);
    expect(t.acks).toEqual([]);
    expect(t.ext.stats.failedAttempts).toBeGreaterThan(1_000);
    expect(t.ext.stats.gaveUp).toBe(1);
    expect(t.ext.pending()).toEqual([]);
    await t.ext.stop();
  });
});

describe('announceCommitted [PENDANT SPEC §7.5]', () => {
  it('announces an entry only once it is on disk: at insert, or after a full disk has recovered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-ack-outbox-'));
    const clock = new MockClock();
    const sqlite = new FaultySqlite();
    const outbox = Outbox.open(join(dir, 'outbox.db'), clock, {}, sqlite.open);
    const bus = new GatewayBus();
    const seen: CommittedEntry[] = [];
    bus.on('event-committed', (e) => seen.push(e));
    announceCommitted(outbox, bus);
    const entry = (id: string) => ({
      id,
      topic: 'events',
      payload: `{"id":"${id}"}`,
      alarm: true,
      release: 'app-ack' as const,
    });
    try {
      outbox.insert(entry('on-disk'));
      expect(seen.map((e) => e.id)).toEqual(['on-disk']);
      sqlite.writes = 'SQLITE_FULL';
      outbox.insert(entry('in-memory'));
      expect(outbox.writesToDisk()).toBe(false);
      // held in memory only: a pendant acknowledged now would lose it to a crash
      expect(seen.map((e) => e.id)).toEqual(['on-disk']);
      sqlite.writes = null;
      clock.advance(2_000);
      expect(outbox.writesToDisk()).toBe(true);
      expect(seen.map((e) => e.id)).toContain('in-memory');
    } finally {
      outbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
