import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import { MockBleScanner, MockClock, MockSerialWire, yieldToEventLoop } from '@baken/hardware';
import { encodeBakenAdvert, encodeBthome } from '@baken/protocols';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialFrameTransport } from '../bridges/frame-transport.js';
import { parseConfig } from '../config/load-config.js';
import { addDeviceToConfigFile } from './config-file.js';
import { pairCommand } from './pair-command.js';
import { pairKeysafe } from './pair-keysafe.js';
import { pairPendant } from './pair-pendant.js';

const logger = pino({ level: 'silent' });
const PAIRED = 'D8:3A:DD:00:00:01';
const NEW = 'D8:3A:DD:00:00:02';

const bthome = (button: 'press' | null, battery = 80): Uint8Array => {
  const r = encodeBthome({
    objects: [
      { kind: 'number', id: 0x00, name: 'packet_id', value: 1 },
      { kind: 'number', id: 0x01, name: 'battery', value: battery },
      ...(button === null
        ? []
        : [{ kind: 'button' as const, id: 0x3a as const, name: 'button' as const, event: button }]),
    ],
  });
  if (!r.ok) throw r.error;
  return r.value;
};

describe('pair pendant', () => {
  it('takes the first unpaired pendant whose button is pressed, ignoring paired ones and battery reports', async () => {
    const clock = new MockClock();
    const scanner = new MockBleScanner({ clock });
    const config = parseConfig({ devices: [{ id: 'pendant-old', kind: 'pendant', address: PAIRED }] });
    const result = pairPendant({ config, scanner, clock, logger, windowMs: 30_000 });
    await yieldToEventLoop();
    scanner.emitAdvert({ address: PAIRED, serviceData: { fcd2: bthome('press') } });
    scanner.emitAdvert({ address: NEW, serviceData: { fcd2: bthome(null) } });
    scanner.emitAdvert({ address: NEW, rssi: -50, serviceData: { fcd2: bthome('press') } });
    await expect(result).resolves.toEqual({
      device: { id: 'pendant-d83add000002', kind: 'pendant', address: NEW },
      format: 'bthome',
      rssi: -50,
    });
    expect(scanner.scanning).toBe(false);
  });

  it('recognises a Baken press without its key, and gives up after the window', async () => {
    const clock = new MockClock();
    const scanner = new MockBleScanner({ clock });
    const config = parseConfig({});
    const r = encodeBakenAdvert(
      { deviceId: 'd83add000002', event: 'battery', battery: 50, counter: 1 },
      new Uint8Array(16),
    );
    const press = encodeBakenAdvert(
      { deviceId: 'd83add000002', event: 'alarm', battery: 50, counter: 2 },
      new Uint8Array(16),
    );
    if (!r.ok || !press.ok) throw new Error('encode');
    const first = pairPendant({ config, scanner, clock, logger });
    await yieldToEventLoop();
    scanner.emitAdvert({ address: NEW, serviceData: { fcb1: r.value } });
    scanner.emitAdvert({ address: NEW, serviceData: { fcb1: press.value } });
    await expect(first).resolves.toMatchObject({ format: 'baken', device: { address: NEW } });

    const second = pairPendant({ config, scanner, clock, logger, windowMs: 10_000 });
    await yieldToEventLoop();
    await clock.advanceAsync(10_000);
    await expect(second).resolves.toBeNull();
  });
});

describe('pair pendant catches one press', () => {
  const KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
  const encrypted = (counter: number): Uint8Array => {
    const r = encodeBthome({
      objects: [
        { kind: 'number', id: 0x01, name: 'battery', value: 90 },
        { kind: 'button', id: 0x3a, name: 'button', event: 'press' },
      ],
      encryption: { key: KEY, address: NEW, counter },
    });
    if (!r.ok) throw r.error;
    return r.value;
  };

  it('asks for the press only once the radio listens: a single press right after the prompt is caught', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-pair-cmd-'));
    try {
      const configPath = join(dir, 'gateway.json');
      writeFileSync(configPath, JSON.stringify({ dataDir: dir, devices: [] }));
      // a real adapter takes a moment to start discovery; one press is about a second of adverts
      const scanner = new (class extends MockBleScanner {
        override async start(): Promise<void> {
          await new Promise((r) => setTimeout(r, 300));
          await super.start();
        }
      })({ clock: new MockClock() });
      const out: string[] = [];
      const paired = await pairCommand(
        { what: 'pendant', configPath, windowS: 2 },
        {
          out: (t) => {
            out.push(t);
            // the technician presses once, the moment they are asked to
            if (/press the button/.test(t))
              scanner.emitAdvert({ address: NEW, serviceData: { fcd2: bthome('press') } });
          },
          err: (t) => out.push(t),
          transports: { openBleScanner: () => scanner },
        },
      );
      expect(paired, out.join('')).toBe(true);
      expect(out.join('')).toContain('paired bthome pendant D8:3A:DD:00:00:02');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sees an encrypted BTHome pendant's press with its bind key, and names it when the key is missing", async () => {
    const clock = new MockClock();
    const scanner = new MockBleScanner({ clock });
    const heard: string[] = [];
    const without = pairPendant({
      config: parseConfig({}),
      scanner,
      clock,
      logger,
      windowMs: 5_000,
      onEncryptedHeard: (a) => heard.push(a),
    });
    await yieldToEventLoop();
    scanner.emitAdvert({ address: NEW, serviceData: { fcd2: encrypted(1) } });
    scanner.emitAdvert({ address: NEW, serviceData: { fcd2: encrypted(2) } });
    await clock.advanceAsync(5_000);
    await expect(without).resolves.toBeNull();
    expect(heard).toEqual([NEW]);

    const withKey = pairPendant({
      config: parseConfig({}),
      scanner,
      clock,
      logger,
      windowMs: 5_000,
      bindKey: KEY,
    });
    await yieldToEventLoop();
    scanner.emitAdvert({ address: PAIRED, serviceData: { fcd2: encrypted(3) } }); // another key: not ours
    scanner.emitAdvert({ address: NEW, rssi: -55, serviceData: { fcd2: encrypted(4) } });
    await expect(withKey).resolves.toEqual({
      device: { id: 'pendant-d83add000002', kind: 'pendant', address: NEW },
      format: 'bthome',
      rssi: -55,
    });
  });
});

describe('pair keysafe', () => {
  const serial = 'KS-PAIR-0001';
  async function rig(expected: string) {
    const clock = new MockClock();
    const wire = new MockSerialWire();
    await wire.a.open();
    const safe = new KeySafe({ serial, key: new Uint8Array(32), clock, nv: new MemoryNvStore() });
    attachSerial(safe, wire.a);
    const result = pairKeysafe({
      serial: expected,
      link: { serialPath: '/dev/ttyUSB0' },
      transport: new SerialFrameTransport(wire.b),
      clock,
      logger,
      windowMs: 5_000,
    });
    // settled into a value at once, so a rejection is never unhandled while the clock advances
    const outcome = result.then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error }),
    );
    for (let i = 0; i < 10; i++) await yieldToEventLoop();
    return { clock, safe, outcome };
  }

  it('adds the key safe whose HELLO reports the serial', async () => {
    const t = await rig(serial);
    t.safe.powerOn();
    await t.clock.advanceAsync(500);
    expect((await t.outcome).value).toEqual({
      device: { id: serial, kind: 'keysafe', serialPath: '/dev/ttyUSB0' },
      firmware: '1.0.0',
    });
  });

  it('refuses a key safe reporting another serial, and times out without a HELLO', async () => {
    const wrong = await rig('KS-SOMEONE-ELSE');
    wrong.safe.powerOn();
    await wrong.clock.advanceAsync(500);
    expect((await wrong.outcome).error).toMatchObject({
      code: 'BAKEN_ERR_PAIRING',
      message: expect.stringContaining(serial),
    });
    const silent = await rig(serial);
    await silent.clock.advanceAsync(5_000);
    expect((await silent.outcome).error).toMatchObject({
      code: 'BAKEN_ERR_PAIRING',
      message: expect.stringContaining('no HELLO'),
    });
  });
});

describe('addDeviceToConfigFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-pair-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds or replaces a device, keeps other settings and the mode, and refuses an invalid result', () => {
    const path = join(dir, 'gateway.json');
    writeFileSync(
      path,
      JSON.stringify({ dataDir: '/x', devices: [{ id: 'p1', kind: 'pendant', address: PAIRED }] }),
      {
        mode: 0o640,
      },
    );
    addDeviceToConfigFile(path, { id: 'p2', kind: 'pendant', address: NEW });
    addDeviceToConfigFile(path, { id: 'p2', kind: 'pendant', address: NEW });
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written).toEqual({
      dataDir: '/x',
      devices: [
        { id: 'p1', kind: 'pendant', address: PAIRED },
        { id: 'p2', kind: 'pendant', address: NEW },
      ],
    });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(() => addDeviceToConfigFile(path, { id: '', kind: 'pendant' })).toThrow(
      /BAKEN_ERR_CONFIG|invalid/,
    );
  });
});
