import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/system-clock.js';
import { needProgram } from '../testing/external-program.js';
import { type PrivateDbus, startPrivateDbus } from './bluez-standin/private-dbus.js';
import { type BluezStandin, startBluezStandin } from './bluez-standin/standin.js';
import {
  describeGattContract,
  KEY_SAFE,
  KS_EVENTS,
  KS_SERVICE,
  KS_STATUS,
  TestKeySafe,
} from './contract/gatt-contract.js';
import { describeScannerContract, nextAdvert } from './contract/scanner-contract.js';
import { NodeBleGattLink } from './node-ble-gatt-link.js';
import { NodeBleScanner } from './node-ble-scanner.js';
import { type NodeBleSession, openNodeBle } from './node-ble-session.js';

// The UNMODIFIED node-ble, over a private dbus-daemon, against the BlueZ stand-in.
describe.skipIf(!needProgram('dbus-daemon'))('node-ble bindings against the BlueZ stand-in', () => {
  let bus: PrivateDbus;
  beforeAll(async () => {
    bus = await startPrivateDbus();
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const world = async (): Promise<{
    standin: BluezStandin;
    session: NodeBleSession;
    close(): Promise<void>;
  }> => {
    const standin = await startBluezStandin({ busAddress: bus.address });
    const session = openNodeBle({ busAddress: bus.address });
    return {
      standin,
      session,
      close: async () => {
        session.destroy();
        await standin.stop();
      },
    };
  };

  describeScannerContract('node-ble', async () => {
    const w = await world();
    const scanner = new NodeBleScanner({ session: w.session, clock: new SystemClock() });
    const known = new Set<string>();
    return {
      scanner,
      advertise: async (address, serviceData, rssi, manufacturerData) => {
        if (known.has(address)) w.standin.advertise(address, serviceData, rssi, manufacturerData);
        else
          w.standin.addDevice(address, {
            serviceData,
            rssi,
            ...(manufacturerData ? { manufacturerData } : {}),
          });
        known.add(address);
      },
      // A round trip to org.bluez: its reply comes after every signal the stand-in sent before.
      settle: async () => {
        await (await w.session.bluetooth.getAdapter('hci0')).isPowered();
      },
      stickAdapter: async (fault) => w.standin.injectAdapterFault(fault),
      teardown: async () => {
        await scanner.stop();
        await w.close();
      },
    };
  });

  describeGattContract('node-ble', async () => {
    const w = await world();
    const safe = new TestKeySafe();
    w.standin.addDevice(KEY_SAFE, { name: 'keysafe' });
    const svc = w.standin.addGattService(KEY_SAFE, KS_SERVICE, safe.spec().characteristics);
    const link = new NodeBleGattLink({
      session: w.session,
      clock: new SystemClock(),
      address: KEY_SAFE,
      discoveryPollMs: 10,
    });
    return {
      link,
      safe,
      notify: async (v) => svc.notify(KS_EVENTS, v),
      loseLink: async () => w.standin.setInRange(KEY_SAFE, false),
      teardown: async () => {
        await link.disconnect();
        await w.close();
      },
    };
  });

  describe('binding specifics', () => {
    it('the stand-in stops even when its dbus-daemon went away first', async () => {
      const own = await startPrivateDbus();
      const standin = await startBluezStandin({ busAddress: own.address });
      await own.stop();
      await expect(standin.stop()).resolves.toBeUndefined();
    });

    it('scanner start rejects with BAKEN_ERR_BLE_ADAPTER for a missing adapter', async () => {
      const w = await world();
      try {
        const scanner = new NodeBleScanner({ session: w.session, clock: new SystemClock(), adapter: 'hci9' });
        await expect(scanner.start()).rejects.toMatchObject({ code: 'BAKEN_ERR_BLE_ADAPTER' });
      } finally {
        await w.close();
      }
    });

    it('connect to a device that never shows up fails with BAKEN_ERR_GATT_CONNECT', async () => {
      const w = await world();
      try {
        const link = new NodeBleGattLink({
          session: w.session,
          clock: new SystemClock(),
          address: '11:22:33:44:55:66',
          discoveryTimeoutMs: 100,
          discoveryPollMs: 10,
        });
        await expect(link.connect()).rejects.toMatchObject({ code: 'BAKEN_ERR_GATT_CONNECT' });
      } finally {
        await w.close();
      }
    });

    it('reconnects after a link loss once the device is back in range (fresh discovery)', async () => {
      const w = await world();
      try {
        const safe = new TestKeySafe();
        w.standin.addDevice(KEY_SAFE);
        w.standin.addGattService(KEY_SAFE, KS_SERVICE, safe.spec().characteristics);
        const link = new NodeBleGattLink({
          session: w.session,
          clock: new SystemClock(),
          address: KEY_SAFE,
          discoveryPollMs: 10,
        });
        await link.connect();
        const lost = new Promise((r) => link.once('disconnect', r));
        w.standin.setInRange(KEY_SAFE, false);
        expect(await lost).toEqual({ remote: true });
        w.standin.setInRange(KEY_SAFE, true);
        await link.connect();
        expect([...(await link.read(KS_SERVICE, KS_STATUS))]).toEqual([1, 1]);
        await link.disconnect();
      } finally {
        await w.close();
      }
    });

    it('a scanner and a GATT link share one session', async () => {
      const w = await world();
      const scanner = new NodeBleScanner({ session: w.session, clock: new SystemClock() });
      try {
        await scanner.start();
        const got = nextAdvert(scanner, 'C0:FF:EE:00:00:09');
        w.standin.addDevice('C0:FF:EE:00:00:09', {
          name: 'pendant',
          serviceData: { fcd2: Uint8Array.of(0x40) },
        });
        const a = await got;
        expect(a.name).toBe('pendant');
      } finally {
        await scanner.stop();
        await w.close();
      }
    });
  });
});
