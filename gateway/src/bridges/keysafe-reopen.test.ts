import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { KsTestHost } from '@baken/device-sim/keysafe/ks-host';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { MockClock, yieldToEventLoop } from '@baken/hardware';
import { type SerialPortBinding, SerialPortLink } from '@baken/hardware/serial/serial-port-link';
import { type KsMessage, KsType, ksEncodeFrame, ksEncodeMessage } from '@baken/protocols';
import pino from 'pino';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type CommandResult, type DeviceEvent, GatewayBus, type LinkStateChange } from '../event-bus.js';
import { createGateway } from '../gateway.js';
import { SerialFrameTransport } from './frame-transport.js';
import { KeysafeBridge } from './keysafe-bridge.js';

const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;
type OpenOptions = Parameters<typeof MockBinding.open>[0];

const KEY = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
const SERIAL = 'KS-REOPEN-01';
const BY_ID = '/dev/serial/by-id/usb-Baken_Key_Safe_KS-REOPEN-01-if00-port0';

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await yieldToEventLoop();
}

/**
 * A USB serial adapter at node-serialport's binding boundary (its own mock binding): the key safe
 * simulator on the far side, a by-id name that names `/dev/ttyUSB<n>` while plugged and nothing
 * while unplugged (open then fails like the real binding: ENOENT).
 */
class UsbAdapter {
  node: string | null = '/dev/ttyUSB0';
  port: MockPortBinding | undefined;
  readonly safe: KeySafe;

  constructor(clock: MockClock) {
    this.safe = new KeySafe({ serial: SERIAL, key: KEY, clock, nv: new MemoryNvStore() });
    this.safe.setWriter((bytes) => {
      if (this.node !== null && this.port?.isOpen) this.port.emitData(Buffer.from(bytes));
    });
  }

  readonly binding = {
    list: () => MockBinding.list(),
    open: async (options: OpenOptions) => {
      if (this.node === null) {
        throw Object.assign(new Error(`Error: No such file or directory, cannot open ${options.path}`), {
          code: 'ENOENT',
        });
      }
      const port = await MockBinding.open(options);
      const write = port.write.bind(port);
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        if (this.node !== null) this.safe.receive(new Uint8Array(buffer));
      };
      this.port = port;
      return port;
    },
  } as unknown as SerialPortBinding;

  resolve = (path: string): string | null => (path === BY_ID ? this.node : null);

  unplug(): void {
    this.node = null;
  }

  plugIn(node: string): void {
    this.node = node;
  }
}

async function rig() {
  MockBinding.createPort(BY_ID);
  const clock = new MockClock();
  const usb = new UsbAdapter(clock);
  const link = new SerialPortLink({
    path: BY_ID,
    baudRate: 115_200,
    binding: usb.binding,
    clock,
    presenceProbeMs: 500,
    resolveDevice: usb.resolve,
  });
  const bus = new GatewayBus((_e, err) => {
    throw err;
  });
  const devices = new DeviceRegistry();
  const events: DeviceEvent[] = [];
  const results: CommandResult[] = [];
  const links: LinkStateChange[] = [];
  bus.on('device-event', (e) => events.push(e));
  bus.on('command-result', (r) => results.push(r));
  bus.on('link-state', (l) => links.push(l));
  const bridge = new KeysafeBridge(
    { bus, devices, clock, logger: pino({ level: 'silent' }), transport: new SerialFrameTransport(link) },
    {
      deviceId: 'keysafe-1',
      serial: SERIAL,
      random: () => 0.5,
      reconnect: { initialMs: 1_000, maxMs: 8_000 },
    },
  );
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 250) {
      await clock.advanceAsync(250);
      await settle();
    }
  };
  await bridge.start();
  usb.safe.powerOn();
  await settle();
  await advance(1_500);
  return { clock, usb, bus, devices, events, results, links, bridge, advance };
}

function frameHex(msg: KsMessage): string {
  const f = ksEncodeMessage(msg, 0x21);
  if (!f.ok) throw f.error;
  const bytes = ksEncodeFrame(f.value);
  if (!bytes.ok) throw bytes.error;
  return Buffer.from(bytes.value).toString('hex');
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
  MockBinding.reset();
});

describe('KeysafeBridge reopens a key safe under its stable by-id name', () => {
  it('reports the unplug, reopens with back-off once the by-id name is back, and commands flow again', async () => {
    const t = await rig();
    stop = () => t.bridge.stop();
    expect(t.bridge.status().phase).toBe('up');

    t.usb.unplug();
    await t.advance(500); // the presence probe notices the vanished by-id link
    expect(t.bridge.status()).toMatchObject({ phase: 'down', reason: 'link lost' });
    expect(t.links.at(-1)).toMatchObject({ deviceId: 'keysafe-1', state: 'down' });
    expect(t.devices.get('keysafe-1')?.link).toBe('down');

    // still unplugged: reopen attempts fail and back off (on the injected clock)
    await t.advance(4_000);
    expect(t.bridge.status().phase).toBe('down');
    const attempts = t.bridge.status().reconnects;
    expect(attempts).toBeGreaterThanOrEqual(2);

    // the adapter comes back as another tty, under the same by-id name
    t.usb.plugIn('/dev/ttyUSB1');
    await t.advance(8_000);
    expect(t.bridge.status()).toMatchObject({ phase: 'up', reopens: 1 });
    expect(t.devices.get('keysafe-1')).toMatchObject({ link: 'up', reopens: 1 });
    expect(t.links.at(-1)).toMatchObject({ state: 'up' });

    t.usb.safe.takeKey(1);
    await t.advance(250);
    expect(t.events.filter((e) => e.kind === 'key_taken').map((e) => e.data)).toEqual([{ hook: 1 }]);
    const host = new KsTestHost({ clock: t.clock, key: KEY, serial: SERIAL });
    t.bus.emit('command', {
      transaction: 'tx-after-reopen',
      deviceId: 'keysafe-1',
      kind: 'keysafe_frame',
      expiresAt: t.clock.now() + 60_000,
      frameHex: frameHex(host.sign({ kind: 'time_sync', newTime: Math.floor(t.clock.now() / 1000) })),
    });
    await t.advance(250);
    const result = t.results.find((r) => r.transaction === 'tx-after-reopen');
    expect(result).toMatchObject({ status: 'ok' });
    // the device's COMMAND_RESULT for the relayed TIME_SYNC, byte for byte
    expect(Buffer.from(result?.responseHex ?? '', 'hex')[3]).toBe(KsType.CommandResult);
  });

  it('reopens when the by-id name points at another node before the probe saw it missing', async () => {
    const t = await rig();
    stop = () => t.bridge.stop();
    // pulled and put back between two probes: the name exists but names a new device node
    t.usb.plugIn('/dev/ttyUSB3');
    await t.advance(500);
    expect(t.links.some((l) => l.state === 'down')).toBe(true);
    await t.advance(2_000);
    expect(t.bridge.status()).toMatchObject({ phase: 'up', reopens: 1 });
    t.usb.safe.takeKey(1);
    await t.advance(250);
    expect(t.events.some((e) => e.kind === 'key_taken')).toBe(true);
  });
});

describe('the gateway reopens a key safe configured by its by-id name', () => {
  it('the heartbeat shows the link down while unplugged, then up with the reopen counted', async () => {
    MockBinding.createPort(BY_ID);
    const clock = new MockClock();
    const usb = new UsbAdapter(clock);
    const dir = mkdtempSync(join(tmpdir(), 'baken-reopen-'));
    const gw = createGateway({
      config: parseConfig({
        dataDir: dir,
        // nothing listens on port 1: the uplink retries on the mock clock, the bridge does not care
        mqtt: { primaryUrl: 'mqtt://127.0.0.1:1' },
        devices: [{ id: SERIAL, kind: 'keysafe', serialPath: BY_ID }],
      }),
      credentials: {
        gatewayId: 'home-reopen',
        server: 'http://x',
        mqtt: { username: 'u', password: 'p' },
        provisionedAt: 0,
      },
      clock,
      logger: pino({ level: 'silent' }),
      softwareVersion: '0.1.0-test',
      transports: {
        openSerial: async (o) =>
          new SerialPortLink({ ...o, binding: usb.binding, clock, resolveDevice: usb.resolve }),
      },
    });
    stop = async () => {
      await gw.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    await gw.start();
    usb.safe.powerOn();
    const advance = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 500) {
        await clock.advanceAsync(500);
        await settle();
      }
    };
    await advance(1_000);
    const device = () => gw.heartbeat.build().devices.find((d) => d.deviceId === SERIAL);
    expect(device()).toMatchObject({ link: 'up' });
    expect(device()?.reopens).toBeUndefined();

    usb.unplug();
    await advance(5_000);
    expect(device()).toMatchObject({ link: 'down' });

    usb.plugIn('/dev/ttyUSB1');
    await advance(20_000);
    expect(device()).toMatchObject({ link: 'up', reopens: 1 });
  });
});
