import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BluezAdvertiser } from '@baken/device-sim/pendant/advertiser';
import { Pendant } from '@baken/device-sim/pendant/pendant';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { TestBroker, TestSubscriber, until } from '@baken/gateway/testing/test-broker';
import {
  NodeBleGattLink,
  NodeBleScanner,
  openNodeBle,
  type PrivateDbus,
  SystemClock,
  startBluezStandin,
  startPrivateDbus,
} from '@baken/hardware';
import { needProgram } from '@baken/hardware/testing/external-program';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const GW = 'home-ack-bluez';
const ADDRESS = 'B4:CA:0E:00:00:0B';
const KEY = new Uint8Array(16).map((_, i) => (i * 31 + 5) & 0xff);

const needs = !needProgram('dbus-daemon');

// [PENDANT SPEC §7] the same restart scenario as pendant-ack.test.ts, over real transports: the
// simulated Baken pendant advertises and serves its ack characteristic on the BlueZ stand-in, the
// gateway hears it with node-ble's scanner and writes the ack with node-ble's GATT link.
describe.skipIf(needs)('Baken pendant ack over node-ble and the BlueZ stand-in', () => {
  it('an alarm pressed while the gateway is stopped arrives after it starts and is acknowledged', async () => {
    const clock = new SystemClock();
    const dir = mkdtempSync(join(tmpdir(), 'baken-ack-bluez-'));
    const broker = new TestBroker();
    const sub = new TestSubscriber(true);
    let dbus: PrivateDbus | undefined;
    let gw: Gateway | undefined;
    const cleanups: (() => Promise<void>)[] = [];
    try {
      dbus = await startPrivateDbus();
      const standin = await startBluezStandin({ busAddress: dbus.address });
      cleanups.push(() => standin.stop());
      const session = openNodeBle({ busAddress: dbus.address });
      cleanups.push(async () => session.destroy());
      await broker.start();
      await sub.connect(broker.url);
      const pendant = new Pendant({
        address: ADDRESS,
        clock,
        advertiser: new BluezAdvertiser(standin),
        format: { kind: 'baken', key: KEY },
      });
      cleanups.push(async () => pendant.stop());
      const alarms = () => [
        ...new Map(
          sub
            .received('events')
            .filter((m) => m.payload['kind'] === 'alarm')
            .map((m) => [m.payload['id'], m]),
        ).values(),
      ];
      const start = async (): Promise<Gateway> => {
        const scanner = new NodeBleScanner({ session, clock });
        const g = createGateway({
          config: parseConfig({ dataDir: dir, mqtt: { primaryUrl: broker.url } }),
          credentials: {
            gatewayId: GW,
            server: 'http://x',
            mqtt: { username: GW, password: 'pw' },
            provisionedAt: 0,
          },
          clock,
          logger: pino({ level: process.env['ACK_LOG'] ?? 'silent' }),
          softwareVersion: '0.1.0-test',
          transports: {
            openBleScanner: () => scanner,
            openGatt: (address) => new NodeBleGattLink({ session, clock, address }),
          },
        });
        await g.start();
        g.bus.emit('server-config', {
          revision: 1,
          heartbeatIntervalS: 60,
          pendants: [
            {
              deviceId: 'pendant-b',
              address: ADDRESS,
              format: 'baken',
              keyHex: Buffer.from(KEY).toString('hex'),
            },
          ],
          keysafes: [],
        } as never);
        await until(() => scanner.scanning, 'scanning');
        return g;
      };

      gw = await start();
      pendant.press();
      await until(
        () => alarms().length === 1 && pendant.unacknowledged.length === 0,
        'first alarm acknowledged',
      );

      await gw.stop();
      gw = undefined;
      pendant.press();
      await clock.sleep(1_500); // the press burst is over: today's pendant would be silent now
      gw = await start();
      await until(() => alarms().length === 2, 'the alarm pressed while the gateway was down');
      expect(alarms()[1]?.payload).toMatchObject({ deviceId: 'pendant-b', seq: 2 });
      await until(() => pendant.unacknowledged.length === 0, 'second alarm acknowledged');
    } finally {
      await gw?.stop();
      for (const c of cleanups.reverse()) await c().catch(() => {});
      await dbus?.stop();
      await sub.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
