import { describe, expect, it } from 'vitest';
import { MockClock } from '../clock/mock-clock.js';
import {
  describeGattContract,
  KEY_SAFE,
  KS_EVENTS,
  KS_SERVICE,
  TestKeySafe,
} from './contract/gatt-contract.js';
import { describeScannerContract } from './contract/scanner-contract.js';
import { MockBleAir, MockBleScanner } from './mock-ble-scanner.js';
import { MockGattLink } from './mock-gatt-link.js';
import { MockGattPeripheral } from './mock-gatt-peripheral.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describeScannerContract('mock', async () => {
  const air = new MockBleAir();
  const scanner = new MockBleScanner({ clock: new MockClock(), air });
  return {
    scanner,
    advertise: async (address, serviceData, rssi, manufacturerData) =>
      void air.broadcast({ address, serviceData, rssi, ...(manufacturerData ? { manufacturerData } : {}) }),
    settle: tick,
    stickAdapter: async (fault) => {
      if (fault === 'in-progress') scanner.failStartsInProgress();
      else scanner.stall('reset');
    },
    teardown: async () => scanner.stop(),
  };
});

describeGattContract('mock', async () => {
  const air = new MockBleAir();
  const safe = new TestKeySafe();
  const peripheral = new MockGattPeripheral(KEY_SAFE, [safe.spec()]);
  air.addPeripheral(peripheral);
  const link = new MockGattLink({ address: KEY_SAFE, air });
  return {
    link,
    safe,
    notify: async (v) => peripheral.notify(KS_SERVICE, KS_EVENTS, v),
    loseLink: async () => peripheral.setInRange(false),
    teardown: async () => link.disconnect(),
  };
});

describe('mock BLE test handles', () => {
  it('stamps receivedAt from the injected clock', () => {
    const clock = new MockClock({ epochMs: 1_700_000_000_000 });
    const scanner = new MockBleScanner({ clock });
    const seen: number[] = [];
    scanner.on('advert', (a) => seen.push(a.receivedAt));
    void scanner.start();
    scanner.emitAdvert({ address: 'aa:bb:cc:dd:ee:ff' });
    expect(seen).toEqual([1_700_000_000_000]);
  });

  it('failNextStart rejects start with BAKEN_ERR_BLE_ADAPTER once', async () => {
    const scanner = new MockBleScanner({ clock: new MockClock() });
    scanner.failNextStart();
    await expect(scanner.start()).rejects.toMatchObject({ code: 'BAKEN_ERR_BLE_ADAPTER' });
    await scanner.start();
    expect(scanner.scanning).toBe(true);
  });

  it('a link to an unknown or out-of-range device fails with BAKEN_ERR_GATT_CONNECT', async () => {
    const air = new MockBleAir();
    await expect(new MockGattLink({ address: KEY_SAFE, air }).connect()).rejects.toMatchObject({
      code: 'BAKEN_ERR_GATT_CONNECT',
    });
    const p = new MockGattPeripheral(KEY_SAFE, [new TestKeySafe().spec()]);
    p.setInRange(false);
    await expect(new MockGattLink(p).connect()).rejects.toMatchObject({ code: 'BAKEN_ERR_GATT_CONNECT' });
  });

  it('does not deliver notifications of an unsubscribed characteristic', async () => {
    const p = new MockGattPeripheral(KEY_SAFE, [new TestKeySafe().spec()]);
    const link = new MockGattLink(p);
    await link.connect();
    let n = 0;
    link.on('notify', () => n++);
    p.notify(KS_SERVICE, KS_EVENTS, Uint8Array.of(1));
    await tick();
    expect(n).toBe(0);
  });
});
