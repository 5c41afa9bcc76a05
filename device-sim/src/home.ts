import { randomBytes } from 'node:crypto';
import {
  type BluezStandin,
  type Clock,
  FaultySerialLink,
  MockBleAir,
  type MockGattPeripheral,
  MockSerialWire,
  openPtyPair,
  type PrivateDbus,
  type PtyPair,
  type SerialLink,
  SerialPortLink,
  seededRandom,
  startBluezStandin,
  startPrivateDbus,
} from '@baken/hardware';
import { KS_GATT_SENDER_CONFIG, ksInstallationCode } from '@baken/protocols';
import { FaultBoard } from './faults/fault-board.js';
import { hex, unhex } from './hex.js';
import type { HomeConfig, PendantConfig } from './home-config.js';
import { KeySafe } from './keysafe/key-safe.js';
import { KsMockPeripheral } from './keysafe/ks-mock-peripheral.js';
import { FileNvStore, MemoryNvStore } from './keysafe/nv-store.js';
import { attachBluezGatt, attachSerial } from './keysafe/transports.js';
import { type Advertiser, BluezAdvertiser, MockAirAdvertiser } from './pendant/advertiser.js';
import { Pendant } from './pendant/pendant.js';
import type { PendantFormat } from './pendant/pendant-packet.js';

export interface HomeTransports {
  /** `mock`: in-memory cable; `pty`: a socat pty pair (the gateway opens `serial.path`); `{ path }`: an existing device. */
  serial: 'mock' | 'pty' | { path: string };
  /** `mock`: in-memory air + GATT; `bluez`: the BlueZ stand-in on a private D-Bus. */
  ble: 'mock' | 'bluez';
}

export interface HomeSerialHandle {
  /** Path the gateway opens (pty or given device); the mock path for `mock`. */
  path: string;
  /** `mock` only: the far end of the in-memory cable, for an in-process gateway. */
  hostLink?: SerialLink;
}

export interface HomeBleHandle {
  /** `mock` only: the air the gateway's `MockBleScanner` / `MockGattLink` attach to. */
  air?: MockBleAir;
  /** `bluez` only: export as `DBUS_SYSTEM_BUS_ADDRESS` for node-ble. */
  busAddress?: string;
  standin?: BluezStandin;
}

/** Keys the gateway/server need for provisioning (hex). Secrets: never log them outside a dev CLI. */
export interface HomeKeys {
  /**
   * `key`: K when it was loaded at the factory (absent when it comes by KEY_INSTALL);
   * `installationCode`: what is printed inside the door (KS-SERIAL §8.8).
   */
  keySafe?: { serial: string; key?: string; installationCode: string; bleAddress?: string };
  pendants: { id: string; address: string; format: PendantConfig['format']; key: string }[];
}

export interface Home {
  clock: Clock;
  pendants: Map<string, Pendant>;
  safe: KeySafe | undefined;
  serial: HomeSerialHandle | undefined;
  ble: HomeBleHandle;
  keys: HomeKeys;
  faults: FaultBoard;
  stop(): Promise<void>;
}

const hexKey = (given: string | undefined, bytes: number): Uint8Array =>
  given === undefined ? new Uint8Array(randomBytes(bytes)) : unhex(given);

function pendantFormat(p: PendantConfig, key: Uint8Array): PendantFormat {
  if (p.format === 'baken') return { kind: 'baken', key };
  return p.format === 'bthome-encrypted' ? { kind: 'bthome', bindKey: key } : { kind: 'bthome' };
}

/** Starts a simulated home: its pendants and key safe on the chosen transports. */
export async function startHome(config: HomeConfig, transports: HomeTransports, clock: Clock): Promise<Home> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const ble: HomeBleHandle = {};
  let advertiser: Advertiser;
  let dbus: PrivateDbus | undefined;
  if (transports.ble === 'bluez') {
    dbus = await startPrivateDbus();
    const standin = await startBluezStandin({ busAddress: dbus.address }).catch(async (err: unknown) => {
      await dbus?.stop();
      throw err;
    });
    // Cleanups run in reverse: the stand-in leaves the bus before its daemon stops.
    cleanups.push(
      () => dbus?.stop(),
      () => standin.stop(),
    );
    ble.busAddress = dbus.address;
    ble.standin = standin;
    advertiser = new BluezAdvertiser(standin);
  } else {
    ble.air = new MockBleAir();
    advertiser = new MockAirAdvertiser(ble.air);
  }

  const keys: HomeKeys = { pendants: [] };
  const pendants = new Map<string, Pendant>();
  for (const p of config.pendants) {
    const key = hexKey(p.key, 16);
    const pendant = new Pendant({
      address: p.address,
      clock,
      advertiser,
      format: pendantFormat(p, key),
      // a simulated pendant has no flash for its counter: seconds since the epoch rise across runs
      // of the simulator, so a home unit that kept the last counter does not refuse it as a replay
      firstCounter: Math.floor(clock.now() / 1000),
      ...(p.battery === undefined ? {} : { battery: p.battery }),
      ...(p.heartbeatMs === undefined ? {} : { heartbeatMs: p.heartbeatMs }),
    });
    pendant.start();
    cleanups.push(() => pendant.stop());
    pendants.set(p.id, pendant);
    keys.pendants.push({
      id: p.id,
      address: pendant.address,
      format: p.format,
      key: hex(key),
    });
  }

  let safe: KeySafe | undefined;
  let serial: HomeSerialHandle | undefined;
  let faultySerial: FaultySerialLink | undefined;
  let gatt: MockGattPeripheral | undefined;
  const ks = config.keySafe;
  if (ks !== undefined) {
    const key = ks.factoryKey === false ? undefined : hexKey(ks.key, 32);
    const installSecret = hexKey(ks.installSecret, 16);
    safe = new KeySafe({
      serial: ks.serial,
      ...(key === undefined ? {} : { key }),
      installSecret,
      clock,
      nv: ks.nvPath === undefined ? new MemoryNvStore() : new FileNvStore(ks.nvPath),
      drift: { ppm: ks.driftPpm ?? 0, offsetSeconds: ks.clockOffsetSeconds ?? 0 },
      ...(ks.link === 'gatt' ? { sender: KS_GATT_SENDER_CONFIG } : {}),
    });
    keys.keySafe = {
      serial: ks.serial,
      ...(key === undefined ? {} : { key: hex(key) }),
      installationCode: ksInstallationCode(installSecret),
      ...(ks.bleAddress === undefined ? {} : { bleAddress: ks.bleAddress }),
    };
    if ((ks.link ?? 'serial') === 'serial') {
      let deviceLink: SerialLink;
      if (transports.serial === 'mock') {
        const wire = new MockSerialWire({ pathA: '/dev/mock-keysafe', pathB: '/dev/mock-gateway' });
        deviceLink = wire.a;
        serial = { path: wire.b.path, hostLink: wire.b };
      } else if (transports.serial === 'pty') {
        const pair: PtyPair = await openPtyPair();
        cleanups.push(() => pair.close());
        deviceLink = new SerialPortLink({ path: pair.a, baudRate: 115_200, clock });
        serial = { path: pair.b };
      } else {
        deviceLink = new SerialPortLink({ path: transports.serial.path, baudRate: 115_200, clock });
        serial = { path: transports.serial.path };
      }
      faultySerial = new FaultySerialLink(deviceLink, { random: seededRandom(config.seed ?? 1) });
      await faultySerial.open();
      attachSerial(safe, faultySerial);
      const link = faultySerial;
      cleanups.push(() => link.close());
    } else {
      const address = ks.bleAddress ?? 'C0:FF:EE:00:10:01';
      if (ble.standin !== undefined) {
        ble.standin.addDevice(address, { name: `Baken Key Safe ${ks.serial}` });
        attachBluezGatt(safe, ble.standin, address);
        // The stand-in has no connect callback: watch Device1.Connected so a new central gets HELLO.
        const standin = ble.standin;
        const device = safe;
        let wasConnected = false;
        const watch = clock.setInterval(
          () => {
            const connected = standin.isConnected(address);
            if (connected && !wasConnected) device.bleConnected();
            wasConnected = connected;
          },
          100,
          { unref: true },
        );
        cleanups.push(() => clock.clearInterval(watch));
      } else if (ble.air !== undefined) {
        gatt = new KsMockPeripheral(address, safe);
        ble.air.addPeripheral(gatt);
      }
    }
    safe.powerOn();
    const s = safe;
    cleanups.push(() => s.powerOff());
  }

  const faults = new FaultBoard({
    clock,
    ...(safe === undefined ? {} : { safe }),
    pendants: [...pendants.values()],
    ...(faultySerial === undefined ? {} : { serial: faultySerial }),
    ...(gatt === undefined ? {} : { gatt }),
  });

  let stopped = false;
  return {
    clock,
    pendants,
    safe,
    serial,
    ble,
    keys,
    faults,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    },
  };
}
