import { MockBleScanner, MockClock } from '@baken/hardware';
import { encodeBakenAdvert, encodeBthome, validatePayload } from '@baken/protocols';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../config/schema.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type DeviceEvent, GatewayBus } from '../event-bus.js';
import { toEnvelope } from '../outbox/event-writer.js';
import { PendantBridge } from './pendant-bridge.js';

const A1 = 'D8:3A:DD:12:34:56';
const A2 = 'D8:3A:DD:12:34:57';
const STRANGER = 'AA:BB:CC:00:00:01';
const KEY = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));

function setup(
  devices: GatewayConfig['devices'] = [],
  opts: ConstructorParameters<typeof PendantBridge>[1] = {
    noAdvertRestartMs: 60_000,
    watchdogIntervalMs: 10_000,
  },
) {
  const clock = new MockClock();
  const bus = new GatewayBus((_e, err) => {
    throw err;
  });
  const registry = new DeviceRegistry();
  const scanner = new MockBleScanner({ clock });
  const events: DeviceEvent[] = [];
  bus.on('device-event', (e) => events.push(e));
  const config = { devices } as unknown as GatewayConfig;
  const bridge = new PendantBridge(
    {
      gatewayId: 'home-0042',
      config,
      bus,
      devices: registry,
      clock,
      logger: pino({ level: 'silent' }),
      openScanner: () => scanner,
    },
    opts,
  );
  return { clock, bus, registry, scanner, events, bridge };
}

const bthomePress = (packetId: number): Uint8Array => {
  const r = encodeBthome({
    triggerBased: true,
    objects: [
      { kind: 'number', id: 0x00, name: 'packet_id', value: packetId },
      { kind: 'number', id: 0x01, name: 'battery', value: 90 },
      { kind: 'button', id: 0x3a, name: 'button', event: 'press' },
    ],
  });
  if (!r.ok) throw r.error;
  return r.value;
};

describe('PendantBridge', () => {
  it('turns many re-broadcasts of one BTHome press into exactly one alarm event', async () => {
    const t = setup([{ id: 'pendant-a', kind: 'pendant', address: A1 }]);
    await t.bridge.start();
    for (let i = 0; i < 20; i++) {
      t.scanner.emitAdvert({ address: A1, rssi: -60, serviceData: { fcd2: bthomePress(7) } });
      t.clock.advance(50);
    }
    expect(t.events).toHaveLength(1);
    const e = t.events[0] as DeviceEvent;
    expect(e).toMatchObject({ deviceId: 'pendant-a', kind: 'alarm', priority: 'alarm', seq: 7 });
    expect(e.data).toEqual({ format: 'bthome', rssi: -60, counter: 7, authenticated: false });
    const env = validatePayload('events', toEnvelope('home-0042', e, 'generated-id'), {
      unknownProperties: 'reject',
    });
    expect(env.ok).toBe(true);
    expect(t.registry.get('pendant-a')).toMatchObject({ link: 'up', rssi: -60, battery: 90 });
    // a new press (new packet id) is a new alarm
    t.scanner.emitAdvert({ address: A1, rssi: -60, serviceData: { fcd2: bthomePress(8) } });
    expect(t.events).toHaveLength(2);
    await t.bridge.stop();
  });

  it('serves two pendants separately and ignores and counts unpaired ones', async () => {
    const t = setup([
      { id: 'pendant-a', kind: 'pendant', address: A1 },
      { id: 'pendant-b', kind: 'pendant', address: A2 },
    ]);
    const sightings: string[] = [];
    t.bridge.onUnpaired((s) => sightings.push(`${s.address}:${s.kinds.join(',')}`));
    await t.bridge.start();
    t.scanner.emitAdvert({ address: A1, serviceData: { fcd2: bthomePress(1) } });
    t.scanner.emitAdvert({ address: A2, serviceData: { fcd2: bthomePress(1) } });
    t.scanner.emitAdvert({ address: STRANGER, serviceData: { fcd2: bthomePress(1) } });
    t.scanner.emitAdvert({ address: STRANGER, serviceData: { '180f': Uint8Array.of(1) } });
    expect(t.events.map((e) => e.deviceId)).toEqual(['pendant-a', 'pendant-b']);
    expect(t.registry.counters.unknownDevicesIgnored).toBe(1);
    expect(sightings).toEqual([`${STRANGER}:alarm`]);
    await t.bridge.stop();
  });

  it('verifies Baken adverts with the key from the server config and refuses forgeries', async () => {
    const t = setup();
    await t.bridge.start();
    t.bus.emit('server-config', {
      revision: 1,
      issuedAt: 0,
      heartbeatIntervalS: 60,
      pendants: [
        {
          deviceId: 'pendant-k',
          address: 'B4:CA:0E:00:00:01',
          format: 'baken',
          keyHex: Buffer.from(KEY).toString('hex'),
        },
      ],
      keysafes: [],
    });
    const advert = (counter: number, key = KEY) => {
      const r = encodeBakenAdvert({ deviceId: 'b4ca0e000001', event: 'fall', battery: 80, counter }, key);
      if (!r.ok) throw r.error;
      return r.value;
    };
    for (let i = 0; i < 5; i++)
      t.scanner.emitAdvert({ address: 'B4:CA:0E:00:00:01', serviceData: { fcb1: advert(3) } });
    t.scanner.emitAdvert({
      address: 'B4:CA:0E:00:00:01',
      serviceData: { fcb1: advert(4, new Uint8Array(16)) },
    });
    expect(t.events).toHaveLength(1);
    expect(t.events[0]).toMatchObject({ deviceId: 'pendant-k', kind: 'fall', priority: 'alarm', seq: 3 });
    expect(t.bridge.stats.refused).toBe(1);
    await t.bridge.stop();
  });

  it('restarts discovery after silence and after a scanner error, counting each', async () => {
    const t = setup([{ id: 'pendant-a', kind: 'pendant', address: A1 }]);
    await t.bridge.start();
    expect(t.scanner.startCount).toBe(1);
    await t.clock.advanceAsync(60_000);
    expect(t.scanner.startCount).toBe(2);
    expect(t.registry.counters.scanRestarts).toBe(1);
    await t.clock.advanceAsync(40_000);
    t.scanner.emitAdvert({ address: STRANGER, rssi: -80, serviceData: { fcd2: bthomePress(1) } });
    await t.clock.advanceAsync(21_000);
    t.scanner.emitError();
    await t.clock.advanceAsync(1);
    expect(t.scanner.startCount).toBe(3);
    expect(t.registry.counters.scanRestarts).toBe(2);
    const restarts = t.events.filter((e) => e.kind === 'scan_restarted');
    expect(restarts).toHaveLength(2);
    expect(restarts[1]).toMatchObject({
      deviceKind: 'gateway',
      deviceId: 'home-0042',
      data: { restarts: 2, action: 'restart', adapterResets: 0 },
    });
    for (const e of restarts) {
      const env = validatePayload('events', toEnvelope('home-0042', e, 'generated-id'), {
        unknownProperties: 'reject',
      });
      expect(env.ok).toBe(true);
    }
    await t.bridge.stop();
  });

  it('a quiet home with a Baken pendant is not restarted every few minutes: its hourly report sets the bar', async () => {
    const t = setup([], {});
    await t.bridge.start();
    t.bus.emit('server-config', {
      revision: 1,
      issuedAt: 0,
      heartbeatIntervalS: 60,
      pendants: [{ deviceId: 'pendant-k', address: 'B4:CA:0E:00:00:01', format: 'baken' }],
      keysafes: [],
    });
    await t.clock.advanceAsync(2.5 * 3_600_000 - 60_000);
    expect(t.registry.counters.scanRestarts).toBe(0);
    await t.clock.advanceAsync(60_000);
    expect(t.registry.counters.scanRestarts).toBe(1);
    expect(t.registry.scan.lastResetReason).toMatch(/^restart: no advert for 9000 s/);
    // the restart brought nothing back: the next step power-cycles the adapter
    await t.clock.advanceAsync(2.5 * 3_600_000);
    expect(t.scanner.adapterResets).toBe(1);
    expect(t.events.filter((e) => e.kind === 'scan_restarted').map((e) => e.data['action'])).toEqual([
      'restart',
      'adapter_reset',
    ]);
    await t.bridge.stop();
  });
});
