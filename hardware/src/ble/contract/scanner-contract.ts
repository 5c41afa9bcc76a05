import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BleAdvert, BleScanner } from '../../ble-scanner.js';

/** What a binding provides so the scanner contract can drive it. */
export interface ScannerHarness {
  scanner: BleScanner;
  /**
   * A simulated device advertises once (service data keyed by 16- or 128-bit UUID; manufacturer
   * data keyed by company identifier).
   */
  advertise(
    address: string,
    serviceData: Record<string, Uint8Array>,
    rssi: number,
    manufacturerData?: Map<number, Uint8Array>,
  ): Promise<void>;
  /** Resolves once everything advertised so far has reached (or been dropped by) the scanner. */
  settle(): Promise<void>;
  /**
   * Puts the adapter into a stuck state that only a power cycle clears: `in-progress` (starting
   * discovery answers BlueZ `InProgress`) or `stalled` (discovery runs, nothing is heard).
   */
  stickAdapter(fault: 'in-progress' | 'stalled'): Promise<void>;
  teardown(): Promise<void>;
}

/** Resolves with the next advert from `address`. */
export function nextAdvert(scanner: BleScanner, address: string): Promise<BleAdvert> {
  return new Promise((resolve) => {
    const on = (a: BleAdvert): void => {
      if (a.address !== address) return;
      scanner.off('advert', on);
      resolve(a);
    };
    scanner.on('advert', on);
  });
}

const PENDANT = 'C0:FF:EE:00:00:01';
const BTHOME = 'fcd2';

/** The `BleScanner` contract (hardware/src/ble-scanner.ts), run once per binding. */
export function describeScannerContract(binding: string, setup: () => Promise<ScannerHarness>): void {
  describe(`BleScanner contract: ${binding}`, () => {
    let h: ScannerHarness;
    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h.teardown();
    });

    it('emits an advert with address, rssi and 16-bit service data after start', async () => {
      await h.scanner.start();
      expect(h.scanner.scanning).toBe(true);
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(0x40, 0x3a, 0x01) }, -61);
      const a = await got;
      expect(a.address).toBe(PENDANT);
      expect(a.rssi).toBe(-61);
      expect([...(a.serviceData.get(BTHOME) ?? [])]).toEqual([0x40, 0x3a, 0x01]);
      expect(typeof a.receivedAt).toBe('number');
    });

    it('keeps 128-bit service data keys in canonical lower case', async () => {
      await h.scanner.start();
      const uuid = '8e7f0001-1b2c-4d5e-8f90-a1b2c3d4e5f6';
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [uuid.toUpperCase()]: Uint8Array.of(9) }, -70);
      expect([...((await got).serviceData.get(uuid) ?? [])]).toEqual([9]);
    });

    it('emits manufacturer data keyed by the 16-bit company identifier', async () => {
      await h.scanner.start();
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, {}, -66, new Map([[0x0059, Uint8Array.of(0x02, 0x15, 0xaa)]]));
      const a = await got;
      expect([...a.manufacturerData.keys()]).toEqual([0x0059]);
      expect([...(a.manufacturerData.get(0x0059) ?? [])]).toEqual([0x02, 0x15, 0xaa]);
    });

    it('emits every repeat of an identical advert', async () => {
      await h.scanner.start();
      const seen: BleAdvert[] = [];
      h.scanner.on('advert', (a) => {
        if (a.address === PENDANT && a.serviceData.has(BTHOME)) seen.push(a);
      });
      for (let i = 0; i < 3; i++) await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(0x40, 7) }, -55);
      await h.settle();
      expect(seen).toHaveLength(3);
      for (const a of seen) expect([...(a.serviceData.get(BTHOME) ?? [])]).toEqual([0x40, 7]);
    });

    it('start() twice is a no-op', async () => {
      await h.scanner.start();
      await h.scanner.start();
      expect(h.scanner.scanning).toBe(true);
    });

    it('emits no advert after stop() resolves', async () => {
      await h.scanner.start();
      const first = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(1) }, -50);
      await first;
      await h.scanner.stop();
      expect(h.scanner.scanning).toBe(false);
      let after = 0;
      h.scanner.on('advert', () => after++);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(2) }, -50);
      await h.settle();
      expect(after).toBe(0);
    });

    it('resetAdapter() power-cycles the adapter, discovery runs again and adverts flow', async () => {
      await h.scanner.start();
      let errors = 0;
      h.scanner.on('error', () => errors++);
      await h.scanner.resetAdapter();
      expect(h.scanner.scanning).toBe(true);
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(4) }, -48);
      expect([...((await got).serviceData.get(BTHOME) ?? [])]).toEqual([4]);
      expect(errors).toBe(0);
    });

    it('a stuck InProgress discovery rejects start and restart with a code; resetAdapter clears it', async () => {
      await h.scanner.start();
      await h.stickAdapter('in-progress');
      await expect(h.scanner.restart()).rejects.toMatchObject({ code: 'BAKEN_ERR_BLE_SCAN_IN_PROGRESS' });
      expect(h.scanner.scanning).toBe(false);
      await expect(h.scanner.start()).rejects.toMatchObject({ code: 'BAKEN_ERR_BLE_SCAN_IN_PROGRESS' });
      await h.scanner.resetAdapter();
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(5) }, -48);
      expect([...((await got).serviceData.get(BTHOME) ?? [])]).toEqual([5]);
    });

    it('a silently stalled adapter hears nothing until resetAdapter()', async () => {
      await h.scanner.start();
      await h.stickAdapter('stalled');
      let heard = 0;
      h.scanner.on('advert', () => heard++);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(6) }, -48);
      await h.settle();
      expect(heard).toBe(0);
      expect(h.scanner.scanning).toBe(true);
      await h.scanner.resetAdapter();
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(7) }, -48);
      expect([...((await got).serviceData.get(BTHOME) ?? [])]).toEqual([7]);
    });

    it('restart() runs discovery again and adverts flow', async () => {
      await h.scanner.start();
      await h.scanner.restart();
      expect(h.scanner.scanning).toBe(true);
      const got = nextAdvert(h.scanner, PENDANT);
      await h.advertise(PENDANT, { [BTHOME]: Uint8Array.of(3) }, -48);
      expect([...((await got).serviceData.get(BTHOME) ?? [])]).toEqual([3]);
    });
  });
}
