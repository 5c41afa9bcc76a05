import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HardwareError } from '../../errors.js';
import type { GattLink } from '../../gatt-link.js';
import type { GattServiceSpec } from '../gatt-peripheral-spec.js';

export const KS_SERVICE = '6b5a0001-7c2d-4e8f-9a10-b1c2d3e4f501';
export const KS_STATUS = '6b5a0002-7c2d-4e8f-9a10-b1c2d3e4f501';
export const KS_COMMAND = '6b5a0003-7c2d-4e8f-9a10-b1c2d3e4f501';
export const KS_EVENTS = '6b5a0004-7c2d-4e8f-9a10-b1c2d3e4f501';
export const KEY_SAFE = 'D0:0D:5A:FE:00:01';

/** A tiny key-safe-like peripheral both harnesses expose; `stall` makes reads hang forever. */
export class TestKeySafe {
  written: number[][] = [];
  reads = 0;
  stall = false;
  spec(): GattServiceSpec {
    return {
      uuid: KS_SERVICE,
      characteristics: [
        {
          uuid: KS_STATUS,
          onRead: () => {
            this.reads++;
            if (this.stall) return new Promise<Uint8Array>(() => undefined);
            return Uint8Array.of(0x01, this.reads);
          },
        },
        { uuid: KS_COMMAND, onWrite: (v) => void this.written.push([...v]) },
        { uuid: KS_EVENTS, flags: ['notify'] },
      ],
    };
  }
}

/** What a binding provides so the GATT contract can drive it. */
export interface GattHarness {
  /** A link to `KEY_SAFE`, not yet connected; the device runs `safe`. */
  link: GattLink;
  safe: TestKeySafe;
  /** The device sends a notification on `KS_EVENTS`. */
  notify(value: Uint8Array): Promise<void>;
  /** The radio link breaks (device out of range / power loss). */
  loseLink(): Promise<void>;
  teardown(): Promise<void>;
}

function nextNotifications(link: GattLink, n: number): Promise<[string, number[]][]> {
  return new Promise((resolve) => {
    const got: [string, number[]][] = [];
    link.on('notify', (c, v) => {
      got.push([c, [...v]]);
      if (got.length === n) resolve(got);
    });
  });
}

function nextDisconnect(link: GattLink): Promise<{ remote: boolean }> {
  return new Promise((resolve) => link.once('disconnect', resolve));
}

/** The `GattLink` contract (hardware/src/gatt-link.ts), run once per binding. */
export function describeGattContract(binding: string, setup: () => Promise<GattHarness>): void {
  describe(`GattLink contract: ${binding}`, () => {
    let h: GattHarness;
    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h.teardown();
    });

    it('connects and lists the services in 128-bit form', async () => {
      await h.link.connect();
      expect(h.link.connected).toBe(true);
      expect(await h.link.services()).toContain(KS_SERVICE);
    });

    it('reads and writes characteristics', async () => {
      await h.link.connect();
      expect([...(await h.link.read(KS_SERVICE, KS_STATUS))]).toEqual([0x01, 1]);
      await h.link.write(KS_SERVICE, KS_COMMAND, Uint8Array.of(0xa5, 0x5a, 0x00));
      expect(h.safe.written).toEqual([[0xa5, 0x5a, 0x00]]);
    });

    it('delivers notifications in order after subscribe', async () => {
      await h.link.connect();
      await h.link.subscribe(KS_SERVICE, KS_EVENTS);
      const got = nextNotifications(h.link, 5);
      for (let i = 0; i < 5; i++) await h.notify(Uint8Array.of(0x10, i));
      expect(await got).toEqual([0, 1, 2, 3, 4].map((i) => [KS_EVENTS, [0x10, i]]));
    });

    it('rejects an unknown characteristic with BAKEN_ERR_GATT_IO', async () => {
      await h.link.connect();
      await expect(h.link.read(KS_SERVICE, '6b5a00ff-7c2d-4e8f-9a10-b1c2d3e4f501')).rejects.toMatchObject({
        code: 'BAKEN_ERR_GATT_IO',
      });
    });

    it('disconnect() by us emits { remote: false } and later ops reject', async () => {
      await h.link.connect();
      const d = nextDisconnect(h.link);
      await h.link.disconnect();
      expect(await d).toEqual({ remote: false });
      expect(h.link.connected).toBe(false);
      await expect(h.link.read(KS_SERVICE, KS_STATUS)).rejects.toMatchObject({ disconnected: true });
    });

    it('reconnects after our own disconnect', async () => {
      await h.link.connect();
      await h.link.disconnect();
      await h.link.connect();
      expect([...(await h.link.read(KS_SERVICE, KS_STATUS))]).toEqual([0x01, 1]);
    });

    it('link loss emits { remote: true } and rejects pending operations', async () => {
      await h.link.connect();
      h.safe.stall = true;
      const pending = h.link.read(KS_SERVICE, KS_STATUS);
      pending.catch(() => undefined);
      const d = nextDisconnect(h.link);
      await h.loseLink();
      expect(await d).toEqual({ remote: true });
      expect(h.link.connected).toBe(false);
      const err = (await pending.then(
        () => undefined,
        (e: unknown) => e,
      )) as HardwareError;
      expect(err).toMatchObject({ code: 'BAKEN_ERR_GATT_CLOSED', disconnected: true });
    });
  });
}
