import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { KsTestHost } from '@baken/device-sim/keysafe/ks-host';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { TestBroker, TestSubscriber, until } from '@baken/gateway/testing/test-broker';
import {
  NodeBleScanner,
  openNodeBle,
  openPtyPair,
  type PrivateDbus,
  type PtyPair,
  SerialPortLink,
  SystemClock,
  startBluezStandin,
  startPrivateDbus,
} from '@baken/hardware';
import { needProgram } from '@baken/hardware/testing/external-program';
import { encodeBthome, type KsMessage, ksEncodeFrame, ksEncodeMessage } from '@baken/protocols';
import { connect } from 'mqtt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const GW = 'home-e2e-1';
const PREFIX = `baken/v1/gw/${GW}`;
const PENDANT = 'D8:3A:DD:00:00:42';
const SERIAL = 'KS-E2E-0001';
const KEY = new Uint8Array(32).map((_, i) => (i * 13 + 7) & 0xff);

const press = (packetId: number): Uint8Array => {
  const r = encodeBthome({
    triggerBased: true,
    objects: [
      { kind: 'number', id: 0x00, name: 'packet_id', value: packetId },
      { kind: 'number', id: 0x01, name: 'battery', value: 77 },
      { kind: 'button', id: 0x3a, name: 'button', event: 'press' },
    ],
  });
  if (!r.ok) throw r.error;
  return r.value;
};

const frameHex = (msg: KsMessage): string => {
  const f = ksEncodeMessage(msg, 0);
  if (!f.ok) throw f.error;
  const b = ksEncodeFrame(f.value);
  if (!b.ok) throw b.error;
  return Buffer.from(b.value).toString('hex');
};

const needs = !needProgram('dbus-daemon') || !needProgram('socat');

// Simulated pendant (BlueZ stand-in over a private dbus-daemon) and key safe (socat pty)
// → the real gateway with the real node-ble and serialport bindings → aedes → an acknowledging subscriber.
describe.skipIf(needs)('gateway end to end (BlueZ stand-in + pty key safe + MQTT)', () => {
  it('delivers one alarm for a repeated pendant advert, relays commands and forwards door_opened', async () => {
    const clock = new SystemClock();
    const dir = mkdtempSync(join(tmpdir(), 'baken-e2e-'));
    let dbus: PrivateDbus | undefined;
    let pair: PtyPair | undefined;
    let gw: Gateway | undefined;
    const broker = new TestBroker();
    const sub = new TestSubscriber(true);
    const cleanups: (() => Promise<void>)[] = [];
    try {
      dbus = await startPrivateDbus();
      const standin = await startBluezStandin({ busAddress: dbus.address });
      cleanups.push(() => standin.stop());
      const session = openNodeBle({ busAddress: dbus.address });
      cleanups.push(async () => session.destroy());
      pair = await openPtyPair();
      const deviceLink = new SerialPortLink({ path: pair.a, baudRate: 115_200 });
      await deviceLink.open();
      cleanups.push(() => deviceLink.close());
      const safe = new KeySafe({ serial: SERIAL, key: KEY, clock, nv: new MemoryNvStore() });
      attachSerial(safe, deviceLink);
      await broker.start();
      await sub.connect(broker.url);

      const config = parseConfig({
        dataDir: dir,
        mqtt: { primaryUrl: broker.url },
        devices: [
          { id: 'pendant-e2e', kind: 'pendant', address: PENDANT },
          { id: SERIAL, kind: 'keysafe', serialPath: pair.b },
        ],
      });
      const scanner = new NodeBleScanner({ session, clock });
      gw = createGateway({
        config,
        credentials: {
          gatewayId: GW,
          server: 'http://x',
          mqtt: { username: GW, password: 'pw' },
          provisionedAt: 0,
        },
        clock,
        logger: pino({ level: process.env['T11_LOG'] ?? 'silent' }),
        softwareVersion: '0.1.0-e2e',
        transports: { openBleScanner: () => scanner, openSerial: (o) => new SerialPortLink(o) },
      });
      const connected = once(gw.uplink, 'connected');
      await gw.start();
      await connected;
      safe.powerOn();

      // --- pendant: one press re-broadcast 15 times → exactly one alarm, acknowledged
      standin.addDevice(PENDANT, { serviceData: { fcd2: press(9) }, rssi: -58 });
      for (let i = 0; i < 14; i++) standin.advertise(PENDANT, { fcd2: press(9) }, -58);
      const alarms = () => sub.received('events').filter((m) => m.payload['kind'] === 'alarm');
      await until(() => alarms().length >= 1, 'alarm event');
      // the repeats were sent before this round trip's reply on the same D-Bus connection
      await (await session.bluetooth.getAdapter('hci0')).isPowered();
      expect(alarms()[0]?.payload).toMatchObject({
        gatewayId: GW,
        deviceId: 'pendant-e2e',
        deviceKind: 'pendant',
        priority: 'alarm',
        seq: 9,
        data: { format: 'bthome', rssi: -58, counter: 9 },
      });

      // --- key safe: link up over the pty, then the server's signed commands are relayed
      await until(() => gw?.devices.get(SERIAL)?.link === 'up', 'key safe link up');
      const server = new KsTestHost({ clock, key: KEY, serial: SERIAL });
      const cmdClient = connect(broker.url, { reconnectPeriod: 0 });
      cleanups.push(async () => void (await cmdClient.endAsync()));
      await new Promise<void>((resolve) => cmdClient.once('connect', () => resolve()));
      const sendCmd = async (transaction: string, msg: KsMessage) =>
        cmdClient.publishAsync(
          `${PREFIX}/cmd/req`,
          JSON.stringify({
            v: 1,
            transaction,
            deviceId: SERIAL,
            kind: 'keysafe_frame',
            expiresAt: clock.now() + 30_000,
            frameHex: frameHex(msg),
          }),
          { qos: 1 },
        );
      const result = (tx: string) => sub.received('cmd/res').find((m) => m.payload['transaction'] === tx);
      const nowS = Math.floor(clock.now() / 1000);
      await sendCmd('tx-sync', server.sign({ kind: 'time_sync', newTime: nowS }));
      await until(() => result('tx-sync') !== undefined, 'time sync result');
      expect(result('tx-sync')?.payload).toMatchObject({ status: 'ok' });
      await sendCmd(
        'tx-open',
        server.sign({ kind: 'open_now', holderId: 7, unlockSeconds: 30 }, { deviceNow: nowS }),
      );
      await until(() => result('tx-open') !== undefined, 'open result');
      expect(result('tx-open')?.payload).toMatchObject({ status: 'ok' });
      expect(String(result('tx-open')?.payload['responseHex'])).toMatch(/^a5/);

      safe.openDoor();
      const door = () => sub.received('events').filter((m) => m.payload['kind'] === 'door_opened');
      await until(() => door().length === 1, 'door_opened event');
      expect(door()[0]?.payload).toMatchObject({
        deviceId: SERIAL,
        deviceKind: 'keysafe',
        priority: 'normal',
      });
      // acknowledged at application level: the outbox drains (heartbeats leave on PUBACK)
      await until(() => gw?.outbox.depth() === 0, 'outbox drained');
      // everything the gateway stored is out and acknowledged: still exactly one alarm
      expect(alarms()).toHaveLength(1);
    } finally {
      await gw?.stop();
      for (const c of cleanups.reverse()) await c().catch(() => {});
      await pair?.close();
      await dbus?.stop();
      await sub.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
