import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import { MockBleScanner, MockClock, MockSerialWire, yieldToEventLoop } from '@baken/hardware';
import { encodeBthome } from '@baken/protocols';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openRealTransports } from '../bridges/real-transports.js';
import { formatStatus, readStatus } from '../cli/status.js';
import { parseConfig } from '../config/load-config.js';
import { createGateway, type Gateway, type GatewayTransports } from '../gateway.js';
import { until } from '../testing/test-broker.js';

const SERIAL = 'KS-HONEST-0001';
const PENDANT = 'D8:3A:DD:00:00:42';
const dirs: string[] = [];
const gateways: Gateway[] = [];

afterEach(async () => {
  for (const g of gateways.splice(0)) await g.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await yieldToEventLoop();
}

/** A gateway with one pendant and one key safe (simulated, on a mock cable); the broker is absent. */
async function rig(transports?: (wire: MockSerialWire) => GatewayTransports) {
  const clock = new MockClock();
  const dir = mkdtempSync(join(tmpdir(), 'baken-honest-'));
  dirs.push(dir);
  const wire = new MockSerialWire({ pathA: '/dev/mock-safe', pathB: '/dev/mock-gw' });
  await wire.a.open();
  const safe = new KeySafe({ serial: SERIAL, key: new Uint8Array(32), clock, nv: new MemoryNvStore() });
  attachSerial(safe, wire.a);
  const scanner = new MockBleScanner({ clock });
  const config = parseConfig({
    dataDir: dir,
    // nothing listens on port 1: the uplink retries on the mock clock, the bridges do not care
    mqtt: { primaryUrl: 'mqtt://127.0.0.1:1' },
    devices: [
      { id: 'pendant-1', kind: 'pendant', address: PENDANT },
      { id: SERIAL, kind: 'keysafe', serialPath: '/dev/mock-gw' },
    ],
  });
  const gw = createGateway({
    config,
    credentials: {
      gatewayId: 'home-honest',
      server: 'http://x',
      mqtt: { username: 'u', password: 'p' },
      provisionedAt: 0,
    },
    clock,
    logger: pino({ level: 'silent' }),
    softwareVersion: '0.1.0-test',
    transports: transports?.(wire) ?? { openBleScanner: () => scanner, openSerial: () => wire.b },
  });
  gateways.push(gw);
  await gw.start();
  safe.powerOn();
  await settle();
  return { clock, dir, config, gw, scanner, safe };
}

const bthomePress = (): Uint8Array => {
  const r = encodeBthome({
    triggerBased: true,
    objects: [{ kind: 'button', id: 0x3a, name: 'button', event: 'press' }],
  });
  if (!r.ok) throw r.error;
  return r.value;
};

describe('honest heartbeat and status', () => {
  it('reports the running scan and the key safe firmware from the bridges', async () => {
    const t = await rig();
    const hb = t.gw.heartbeat.build();
    expect(hb.scan).toEqual({
      running: true,
      restarts: 0,
      adapterResets: 0,
      lastResetReason: null,
      lastResetAt: null,
    });
    const ks = hb.devices.find((d) => d.deviceId === SERIAL);
    expect(ks?.firmware).toMatch(/^\d+\.\d+\.\d+$/);
    expect(hb.devices.find((d) => d.deviceId === 'pendant-1')?.firmware).toBeUndefined();
    expect(t.gw.status().devices.find((d) => d.deviceId === SERIAL)?.firmware).toBe(ks?.firmware);
  });

  it('heartbeat scan.running follows the scan: false after a failed restart, true again after', async () => {
    const t = await rig();
    t.scanner.failNextStart('adapter powered off');
    t.scanner.emitError('discovery stalled');
    await settle();
    expect(t.gw.heartbeat.build().scan).toEqual({
      running: false,
      restarts: 1,
      adapterResets: 0,
      lastResetReason: 'restart: discovery stalled',
      lastResetAt: t.clock.now(),
    });
    expect(t.gw.status().scan.error).toContain('BAKEN_ERR_BLE_ADAPTER');
    const failedAt = t.clock.now();
    t.clock.advance(60_000); // the watchdog sees the scan down; a restart did not help: power-cycle
    await settle();
    expect(t.gw.heartbeat.build().scan).toEqual({
      running: true,
      restarts: 1,
      adapterResets: 1,
      lastResetReason: 'adapter_reset: adapter powered off',
      lastResetAt: failedAt + 60_000,
    });
    expect(t.gw.status().scan).toMatchObject({ running: true, error: null, adapterResets: 1 });
  });

  it('status() and the status CLI show the counters (unknown devices ignored, scan restarts)', async () => {
    const t = await rig();
    t.scanner.emitAdvert({ address: 'AA:BB:CC:00:00:01', rssi: -70, serviceData: { fcd2: bthomePress() } });
    t.scanner.emitAdvert({ address: 'AA:BB:CC:00:00:02', rssi: -70, serviceData: { fcd2: bthomePress() } });
    t.scanner.emitError('discovery stalled');
    await settle();
    expect(t.gw.status().counters).toEqual({ unknownDevicesIgnored: 2, scanRestarts: 1 });
    t.gw.heartbeat.beat(); // the daemon leaves its snapshot for `baken-gateway status`
    t.clock.advance(5_000);
    const status = readStatus(t.config, t.clock);
    expect(status.live?.counters).toEqual({ unknownDevicesIgnored: 2, scanRestarts: 1 });
    expect(status.live?.ageMs).toBe(5_000);
    const text = formatStatus(status);
    expect(text).toContain('BLE scan:      running, 1 restarts');
    expect(text).toContain('unknown:       2 adverts from unpaired devices ignored');
    expect(text).toMatch(new RegExp(`keysafe ${SERIAL}: link up.*firmware \\d+\\.\\d+\\.\\d+`));
    expect(text).not.toContain('"p"'); // no secret in the snapshot
  });

  it('no usable system D-Bus: BAKEN_ERR_BLE_ADAPTER reported, key safe and heartbeat keep going', async () => {
    for (const address of ['unix:path=/nonexistent/baken/system_bus_socket', 'bogus']) {
      const saved = process.env['DBUS_SYSTEM_BUS_ADDRESS'];
      process.env['DBUS_SYSTEM_BUS_ADDRESS'] = address;
      try {
        const t = await rig((wire) => {
          const real = openRealTransports(new MockClock());
          return { ...real.transports, openSerial: () => wire.b };
        });
        await until(() => t.gw.status().scan.error !== null, 'BLE adapter error reported');
        expect(t.gw.status().scan).toMatchObject({ running: false });
        expect(t.gw.status().scan.error).toMatch(/^BAKEN_ERR_BLE_ADAPTER: system D-Bus/);
        expect(t.gw.heartbeat.build().scan.running).toBe(false);
        expect(t.gw.status().devices.find((d) => d.deviceId === SERIAL)?.link).toBe('up');
        expect(t.gw.status().running).toBe(true);
        await t.gw.stop();
      } finally {
        if (saved === undefined) delete process.env['DBUS_SYSTEM_BUS_ADDRESS'];
        else process.env['DBUS_SYSTEM_BUS_ADDRESS'] = saved;
      }
    }
  });
});
