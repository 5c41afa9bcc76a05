import {
  MockClock,
  MockGattLink,
  NodeBleGattLink,
  NodeBleScanner,
  openNodeBle,
  SystemClock,
} from '@baken/hardware';
import { needProgram } from '@baken/hardware/testing/external-program';
import { KS_GATT_SENDER_CONFIG } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { startHome } from '../home.js';
import type { HomeConfig } from '../home-config.js';
import { KsTestHost } from './ks-host.js';
import { attachGattCentral } from './transports.js';

const KEY = '11'.repeat(32);
const CONFIG: HomeConfig = {
  pendants: [{ id: 'p1', address: 'C0:FF:EE:00:00:01', format: 'bthome' }],
  keySafe: { serial: 'KS-GATT-1', key: KEY, link: 'gatt', bleAddress: 'C0:FF:EE:00:10:01' },
};

function host(clock: MockClock | SystemClock) {
  return new KsTestHost({
    clock,
    key: new Uint8Array(Buffer.from(KEY, 'hex')),
    serial: 'KS-GATT-1',
    sender: KS_GATT_SENDER_CONFIG,
  });
}

describe('key safe over the GATT mapping', () => {
  it('mock GATT: HELLO after connect, an authenticated open executes once, status answers', async () => {
    const clock = new MockClock();
    const home = await startHome(CONFIG, { serial: 'mock', ble: 'mock' }, clock);
    try {
      const air = home.ble.air;
      if (air === undefined) throw new Error('no air');
      const link = new MockGattLink({ address: 'C0:FF:EE:00:10:01', air });
      await link.connect();
      const h = host(clock);
      await attachGattCentral(h, link);
      await clock.advanceAsync(KS_GATT_SENDER_CONFIG.ackTimeoutMs + 10);
      expect(h.received.some((m) => m.kind === 'hello')).toBe(true);
      let executed = 0;
      home.safe?.on('executed', () => executed++);
      const open = h.sign(
        { kind: 'open_now', holderId: 3, unlockSeconds: 5 },
        { deviceNow: home.safe?.rtc.nowSeconds() ?? 0 },
      );
      const outcome = h.deliver(open);
      await clock.advanceAsync(10);
      expect(await outcome).toMatchObject({ kind: 'delivered' });
      h.send({ kind: 'status_poll' });
      await clock.advanceAsync(10);
      expect(executed).toBe(1);
      expect(h.received.find((m) => m.kind === 'command_result')).toMatchObject({ result: 0, counter: 1n });
      expect(h.received.at(-1)).toMatchObject({ kind: 'status', lastCounter: 1n });
    } finally {
      await home.stop();
    }
  });
});

describe.skipIf(!needProgram('dbus-daemon'))('home on the BlueZ stand-in (node-ble)', () => {
  it('a pendant press is heard by the node-ble scanner and the key safe answers over GATT', async () => {
    const clock = new SystemClock();
    const home = await startHome(CONFIG, { serial: 'mock', ble: 'bluez' }, clock);
    const session = openNodeBle({ busAddress: home.ble.busAddress ?? '' });
    try {
      const scanner = new NodeBleScanner({ session, clock });
      const heard: string[] = [];
      scanner.on('advert', (a) => {
        if (a.serviceData.has('fcd2')) heard.push(a.address);
      });
      await scanner.start();
      home.pendants.get('p1')?.press();
      for (let i = 0; i < 50 && heard.length === 0; i++) await clock.sleep(20);
      expect(heard[0]).toBe('C0:FF:EE:00:00:01');
      await scanner.stop();

      const link = new NodeBleGattLink({ session, clock, address: 'C0:FF:EE:00:10:01', discoveryPollMs: 10 });
      await link.connect();
      const h = host(clock);
      // The home unit waits for the device's HELLO (sent on connection, retransmitted until ACKed).
      const hello = new Promise((resolve) => h.onMessage((m) => m.kind === 'hello' && resolve(m)));
      await attachGattCentral(h, link);
      await expect(hello).resolves.toMatchObject({ serial: 'KS-GATT-1' });
      const status = new Promise((resolve) => h.onMessage((m) => m.kind === 'status' && resolve(m)));
      h.send({ kind: 'status_poll' });
      await expect(status).resolves.toMatchObject({ kind: 'status', lastCounter: 0n });
      await link.disconnect();
    } finally {
      session.destroy();
      await home.stop();
    }
  }, 20_000);
});
