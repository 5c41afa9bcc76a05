import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DevicesRepository } from '../../../store/repositories/index.js';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { PendantPairing, PendantPairingRepository } from '../pendant-pairings.js';

/** What the contract needs of one binding: the repository, a way to make pendants, the stored row. */
export interface PairingsUnderTest {
  pairings: PendantPairingRepository;
  /** The same table through a repository sealing with another master key. */
  otherMaster: PendantPairingRepository;
  devices: DevicesRepository;
  /** The stored `key_sealed` of a pendant's pairing (undefined: no row). */
  sealedKey(deviceId: string): Promise<string | null | undefined>;
}

export const CONTRACT_MASTER = randomBytes(32);
const T0 = 1_765_432_100_123;
const KEY = new Uint8Array(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));

/** The {@link PendantPairingRepository} contract, run on SQLite and PostgreSQL. */
export function pendantPairingsContract(name: string, make: MakeStore<PairingsUnderTest>): void {
  describe(`PendantPairingRepository contract: ${name}`, () => {
    const t = useStore(make);
    const pendant = async (serial: string) =>
      (await t().devices.create({ serial, type: 'pendant', status: 'installed' }, { userId: null }, T0)).id;

    it('keeps a pairing with its key sealed; the address upper-case; an unknown pendant has none', async () => {
      const id = await pendant('P-1');
      const p: PendantPairing = { deviceId: id, address: 'aa:bb:cc:dd:ee:0f', format: 'bthome', key: KEY };
      await t().pairings.upsert(p, 'user-1', T0);
      expect(await t().pairings.get(id)).toEqual({ ...p, address: 'AA:BB:CC:DD:EE:0F' });
      expect(await t().pairings.get('no-such-device')).toBeNull();
      const sealed = await t().sealedKey(id);
      expect(sealed).toEqual(expect.any(String));
      expect(sealed).not.toContain('00112233445566778899aabbccddeeff');
      // sealed under the master key, bound to the pendant: another key cannot open it
      await expect(t().otherMaster.get(id)).rejects.toThrow();
    });

    it('replaces a pendant’s pairing: a new format and no key leave no key stored', async () => {
      const id = await pendant('P-2');
      await t().pairings.upsert(
        { deviceId: id, address: 'AA:BB:CC:DD:EE:01', format: 'baken', key: KEY },
        'u',
        T0,
      );
      await t().pairings.upsert(
        { deviceId: id, address: 'AA:BB:CC:DD:EE:02', format: 'bthome', key: null },
        'u',
        T0 + 1,
      );
      expect(await t().pairings.get(id)).toEqual({
        deviceId: id,
        address: 'AA:BB:CC:DD:EE:02',
        format: 'bthome',
        key: null,
      });
      expect(await t().sealedKey(id)).toBeNull();
    });

    it('takes concurrent pairings of one pendant without a conflict: one of them is kept', async () => {
      const id = await pendant('P-3');
      const addresses = Array.from({ length: 6 }, (_, i) => `AA:BB:CC:DD:EE:1${i}`);
      await Promise.all(
        addresses.map((address, i) =>
          t().pairings.upsert({ deviceId: id, address, format: 'baken', key: KEY }, 'u', T0 + i),
        ),
      );
      const kept = await t().pairings.get(id);
      expect(addresses).toContain(kept?.address);
      expect(kept?.key).toEqual(KEY);
    });

    it('refuses a pairing of a pendant that is not registered', async () => {
      await expect(
        t().pairings.upsert(
          { deviceId: 'ghost', address: 'AA:BB:CC:DD:EE:FF', format: 'bthome', key: null },
          'u',
          T0,
        ),
      ).rejects.toThrow();
      expect(await t().sealedKey('ghost')).toBeUndefined();
    });
  });
}
