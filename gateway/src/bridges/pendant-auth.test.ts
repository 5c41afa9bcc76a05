import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockBleScanner, MockClock } from '@baken/hardware';
import { type BthomeButtonEvent, encodeBakenAdvert, encodeBthome, validatePayload } from '@baken/protocols';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatStatus } from '../cli/status.js';
import type { GatewayConfig } from '../config/schema.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type DeviceEvent, GatewayBus, type ServerConfig } from '../event-bus.js';
import { Heartbeat } from '../health/heartbeat.js';
import { Outbox } from '../outbox/outbox.js';
import { PendantBridge } from './pendant-bridge.js';
import { readLegacyBakenCounters } from './pendant-legacy.js';
import { MemoryPendantVault, type PendantVaultStore, SealedPendantVault } from './pendant-vault.js';

const ENC = '3C:2E:F5:00:00:01';
const PLAIN = '3C:2E:F5:00:00:02';
const BAKEN = 'B4:CA:0E:00:00:01';
const BIND_KEY = Uint8Array.from(Buffer.from('231d39c1d7cc1ab1aee224cd096db932', 'hex'));
const BAKEN_KEY = new Uint8Array(16).fill(0x22);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const SERVER_CONFIG: ServerConfig = {
  revision: 3,
  issuedAt: 0,
  heartbeatIntervalS: 60,
  pendants: [
    { deviceId: 'pendant-enc', address: ENC, format: 'bthome', keyHex: hex(BIND_KEY) },
    { deviceId: 'pendant-plain', address: PLAIN, format: 'bthome' },
    { deviceId: 'pendant-baken', address: BAKEN, format: 'baken', keyHex: hex(BAKEN_KEY) },
  ],
  keysafes: [],
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(vault?: PendantVaultStore, clock = new MockClock(), legacy?: Record<string, number>) {
  const bus = new GatewayBus((_e, err) => {
    throw err;
  });
  const registry = new DeviceRegistry();
  const scanner = new MockBleScanner({ clock });
  const events: DeviceEvent[] = [];
  bus.on('device-event', (e) => events.push(e));
  const bridge = new PendantBridge(
    {
      gatewayId: 'home-0042',
      config: { devices: [] } as unknown as GatewayConfig,
      bus,
      devices: registry,
      clock,
      logger: pino({ level: 'silent' }),
      openScanner: () => scanner,
    },
    {
      noAdvertRestartMs: 3_600_000,
      watchdogIntervalMs: 600_000,
      ...(vault ? { vault } : {}),
      ...(legacy ? { legacyBakenCounters: legacy } : {}),
    },
  );
  const alarms = () => events.filter((e) => e.kind !== 'scan_restarted');
  return { clock, bus, registry, scanner, events, alarms, bridge };
}

/** The server's config arrives; the bridge opens its scanner (asynchronously). */
async function configure(bus: GatewayBus): Promise<void> {
  bus.emit('server-config', SERVER_CONFIG);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function bthome(button: BthomeButtonEvent, packetId: number, counter?: number, address = ENC) {
  const r = encodeBthome({
    triggerBased: true,
    objects: [
      { kind: 'number', id: 0x00, name: 'packet_id', value: packetId & 0xff },
      { kind: 'button', id: 0x3a, name: 'button', event: button },
    ],
    ...(counter === undefined ? {} : { encryption: { key: BIND_KEY, address, counter } }),
  });
  if (!r.ok) throw r.error;
  return r.value;
}

function baken(counter: number) {
  const r = encodeBakenAdvert({ deviceId: 'b4ca0e000001', event: 'alarm', battery: 80, counter }, BAKEN_KEY);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('pendant bridge: authentication [PENDANT SPEC §5]', () => {
  it('refuses a plaintext press and long press from an encrypted pendant (downgrade) and counts them', async () => {
    const t = setup();
    await t.bridge.start();
    await configure(t.bus);
    t.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: bthome('press', 1) } });
    t.clock.advance(5_000);
    t.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: bthome('long_press', 2) } });
    expect(t.alarms()).toEqual([]);
    expect(t.registry.get('pendant-enc')?.refused).toEqual({ downgrade: 2 });
    // a forged advert is no sign of life
    expect(t.registry.get('pendant-enc')?.lastSeen).toBeNull();
    // the heartbeat carries the counts [MQTT-MAP §4.3]
    const dir = mkdtempSync(join(tmpdir(), 'baken-hb-'));
    dirs.push(dir);
    const outbox = Outbox.open(join(dir, 'outbox.db'), t.clock);
    const hb = new Heartbeat(t.bus, outbox, t.registry, t.clock, pino({ level: 'silent' }), {
      gatewayId: 'home-0042',
      softwareVersion: '0.1.0',
      intervalMs: 60_000,
    }).build();
    expect(hb.devices.find((d) => d.deviceId === 'pendant-enc')?.refused).toEqual({ downgrade: 2 });
    expect(hb.devices.find((d) => d.deviceId === 'pendant-plain')?.refused).toBeUndefined();
    expect(validatePayload('heartbeat', hb, { unknownProperties: 'reject' }).ok).toBe(true);
    // and `baken-gateway status` says so
    const text = formatStatus({
      provisioned: true,
      gatewayId: 'home-0042',
      server: null,
      credentialsProblem: null,
      brokers: { primary: null, secondary: null },
      outbox: null,
      devices: [],
      heartbeatIntervalMs: 60_000,
      live: { heartbeat: hb, counters: t.registry.counters, scan: t.registry.scan, ageMs: 0 },
    });
    expect(text).toContain(
      'pendant pendant-enc: link unknown, REFUSED adverts (possible spoofing): downgrade 2',
    );
    outbox.close();
    await t.bridge.stop();
  });

  it('refuses a captured encrypted advert replayed ten minutes later', async () => {
    const t = setup();
    await t.bridge.start();
    await configure(t.bus);
    const captured = bthome('press', 1, 41);
    t.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: captured } });
    t.clock.advance(600_000);
    t.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: captured } });
    expect(t.alarms().map((e) => [e.kind, e.data.authenticated])).toEqual([['alarm', true]]);
    expect(t.registry.get('pendant-enc')?.refused).toEqual({ replay: 1 });
    await t.bridge.stop();
  });

  it('marks plaintext events as not authenticated', async () => {
    const t = setup();
    await t.bridge.start();
    await configure(t.bus);
    t.scanner.emitAdvert({ address: PLAIN, serviceData: { fcd2: bthome('long_press', 4) } });
    expect(t.alarms()).toMatchObject([
      { deviceId: 'pendant-plain', kind: 'cancel', data: { authenticated: false } },
    ]);
    await t.bridge.stop();
  });

  it('a panicked client pressing every 0.3 s gets one alarm per press', async () => {
    const t = setup();
    await t.bridge.start();
    await configure(t.bus);
    // 20 presses 300 ms apart, each re-broadcast 5 times 250 ms apart (so repeats interleave)
    const sends: { at: number; n: number }[] = [];
    for (let n = 1; n <= 20; n++) for (let r = 0; r < 5; r++) sends.push({ at: n * 300 + r * 250, n });
    sends.sort((a, b) => a.at - b.at);
    let now = 0;
    for (const s of sends) {
      t.clock.advance(s.at - now);
      now = s.at;
      t.scanner.emitAdvert({ address: PLAIN, serviceData: { fcd2: bthome('press', s.n, undefined, PLAIN) } });
      t.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: bthome('press', s.n, 1000 + s.n) } });
    }
    const count = (id: string) => t.alarms().filter((e) => e.deviceId === id).length;
    expect(count('pendant-plain')).toBe(20);
    expect(count('pendant-enc')).toBe(20);
    expect(t.registry.get('pendant-enc')?.refused).toBeUndefined();
    await t.bridge.stop();
  });
});

describe('pendant bridge: pairings, keys and counters survive a restart [PENDANT SPEC §5.3]', () => {
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'baken-vault-'));
    dirs.push(d);
    return d;
  };

  it('hears an encrypted pendant after a restart with no network, and still refuses replays', async () => {
    const dir = tmp();
    const clock = new MockClock();
    const before = setup(new SealedPendantVault(dir), clock);
    await before.bridge.start();
    await configure(before.bus);
    const captured = bthome('press', 1, 7);
    before.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: captured } });
    before.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(9) } });
    expect(before.alarms()).toHaveLength(2);
    await before.bridge.stop();

    clock.advance(600_000);
    const after = setup(new SealedPendantVault(dir), clock); // no server-config: the network is down
    await after.bridge.start();
    after.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: bthome('press', 2, 8) } });
    after.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: captured } });
    after.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(8) } }); // an older capture
    after.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(10) } });
    expect(after.alarms().map((e) => [e.deviceId, e.seq])).toEqual([
      ['pendant-enc', 8],
      ['pendant-baken', 10],
    ]);
    expect(after.registry.get('pendant-enc')?.refused).toEqual({ replay: 1 });
    expect(after.registry.get('pendant-baken')?.refused).toEqual({ replay: 1 });
    await after.bridge.stop();
  });

  it('a Baken pendant still announcing unacknowledged events after a restart is not taken for a replay', async () => {
    const dir = tmp();
    const clock = new MockClock();
    const before = setup(new SealedPendantVault(dir), clock);
    await before.bridge.start();
    await configure(before.bus);
    before.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(20) } });
    before.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(21) } });
    await before.bridge.stop();
    clock.advance(3_600_000);
    const after = setup(new SealedPendantVault(dir), clock);
    await after.bridge.start();
    // [PENDANT SPEC §7] both announced again, oldest first, until the unit acknowledges them
    after.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(20) } });
    after.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(21) } });
    expect(after.alarms()).toEqual([]);
    expect(after.registry.get('pendant-baken')?.refused).toBeUndefined();
    await after.bridge.stop();
  });

  it('keeps the vault sealed: files 0600, no key or address in the clear', async () => {
    const dir = tmp();
    const t = setup(new SealedPendantVault(dir));
    await t.bridge.start();
    await configure(t.bus);
    await t.bridge.stop();
    for (const f of ['pendants.sealed', 'unit-seal.key'])
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const text = readFileSync(join(dir, 'pendants.sealed'), 'utf8');
    expect(text).not.toContain(hex(BIND_KEY));
    expect(text).not.toContain(ENC);
    // another unit's sealing key does not open it
    const other = new SealedPendantVault(dir, { key: Buffer.alloc(32, 7) });
    expect(other.load().pairings).toEqual([]);
    const vault = new SealedPendantVault(dir);
    expect(vault.load().pairings).toHaveLength(3);
    // entries a different version wrote in another shape are dropped, never fatal
    vault.save({
      revision: 1,
      pairings: [{ deviceId: 'x' } as never, SERVER_CONFIG.pendants[1]!],
      counters: { a: { counter: 'x' } as never, b: { counter: 3, at: 0, keyTag: 'plain' } },
      recent: { a: [{ id: 'p:1', at: 0 }], b: [{ id: 'c:3', at: 0 }] },
    });
    expect(vault.load()).toEqual({
      revision: 1,
      pairings: [SERVER_CONFIG.pendants[1]],
      counters: { b: { counter: 3, at: 0, keyTag: 'plain' } },
      recent: { b: [{ id: 'c:3', at: 0 }] },
    });
  });

  it('saves the counter only after the event is out, and an unsaved counter re-sends the same event id', async () => {
    const vault = new MemoryPendantVault();
    const t = setup(vault);
    await t.bridge.start();
    await configure(t.bus);
    const savedWith: number[] = [];
    const save = vault.save.bind(vault);
    vault.save = (c) => {
      savedWith.push(t.alarms().length);
      save(c);
    };
    const press = bthome('press', 1, 50);
    t.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: press } });
    expect(savedWith).toEqual([1]);
    expect(vault.contents.counters['pendant-enc']?.counter).toBe(50);
    // a crash before the save: the next run starts from the older vault and hears the re-broadcast
    const older = new MemoryPendantVault();
    older.contents = { ...vault.contents, counters: {}, recent: {} };
    const again = setup(older);
    await again.bridge.start();
    again.scanner.emitAdvert({ address: ENC, serviceData: { fcd2: press } });
    expect(again.alarms()[0]?.id).toBe(t.alarms()[0]?.id);
    expect(t.alarms()[0]?.id).toMatch(/^pdt-/);
    await t.bridge.stop();
    await again.bridge.stop();
  });

  it('a vault that cannot be written never costs the alarm', async () => {
    const t = setup({
      load: () => ({ revision: null, pairings: [], counters: {}, recent: {} }),
      save: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    await t.bridge.start();
    await configure(t.bus);
    t.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(1) } });
    expect(t.alarms()).toHaveLength(1);
    expect(t.bridge.stats.vaultWriteFailures).toBe(2);
    await t.bridge.stop();
  });

  it('adopts the Baken counters an older version kept, so an update does not re-open a replay', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'pendant-counters.json'),
      JSON.stringify({ lastCounter: { b4ca0e000001: 9, bad: 'x' } }),
    );
    const legacy = readLegacyBakenCounters(dir);
    expect(legacy).toEqual({ b4ca0e000001: 9 });
    const t = setup(new MemoryPendantVault(), new MockClock(), legacy);
    await t.bridge.start();
    await configure(t.bus);
    t.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(9) } });
    t.scanner.emitAdvert({ address: BAKEN, serviceData: { fcb1: baken(10) } });
    expect(t.alarms().map((e) => e.seq)).toEqual([10]);
    expect(t.registry.get('pendant-baken')?.refused).toEqual({ replay: 1 });
    expect(readLegacyBakenCounters(tmp())).toBeUndefined();
    await t.bridge.stop();
  });
});
