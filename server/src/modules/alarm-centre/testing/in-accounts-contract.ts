import { describe, expect, it } from 'vitest';
import { constraintViolation } from '../../../store/constraint-violation.js';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import { DUPLICATE_WINDOW_MS, type InAccountInput } from '../in-account-store.js';
import type { CentreStores } from './centre-fixture.js';

const T0 = 1_765_432_100_123;
const KEY = new Uint8Array(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
const KEY2 = new Uint8Array(32).fill(7);

const unit = (homeId: string, extra: Partial<InAccountInput> = {}): InAccountInput => ({
  homeId,
  gatewayId: 'dc09-unit-1',
  receiver: null,
  line: null,
  account: '1234AB',
  key: KEY,
  windowPastS: 40,
  windowFutureS: 20,
  supervisionS: 3600,
  ...extra,
});

/** The {@link InAccounts} contract, run on SQLite and PostgreSQL (`../accounts.contract.test.ts`). */
export function inAccountsContract(name: string, make: MakeStore<CentreStores>): void {
  describe(`InAccounts contract: ${name}`, () => {
    const stores = useStore(make);

    it('registers a unit; its key only sealed at rest; changes a part and keeps the rest', async () => {
      const s = stores();
      const a = await s.in.create(unit(s.homes[0]), T0);
      expect(a).toEqual({
        id: a.id,
        homeId: s.homes[0],
        gatewayId: 'dc09-unit-1',
        receiver: null,
        line: null,
        account: '1234AB',
        keyBits: 128,
        windowPastS: 40,
        windowFutureS: 20,
        supervisionS: 3600,
        createdAt: T0,
      });
      expect(await s.in.get(a.id)).toEqual(a);
      expect(await s.in.key(a.id)).toEqual(KEY);
      const raw = JSON.stringify(await s.sql('SELECT * FROM dc09_in_accounts'));
      expect(raw).not.toContain(Buffer.from(KEY).toString('base64'));

      expect(await s.in.update(a.id, { supervisionS: 60 }, T0 + 1)).toEqual({ ...a, supervisionS: 60 });
      expect(await s.in.key(a.id)).toEqual(KEY);
      expect(await s.in.update(a.id, { key: KEY2, windowPastS: 5 }, T0 + 2)).toMatchObject({
        keyBits: 256,
        windowPastS: 5,
        windowFutureS: 20,
        supervisionS: 60,
      });
      expect(await s.in.key(a.id)).toEqual(KEY2);
      expect(await s.in.update(a.id, { key: null }, T0 + 3)).toMatchObject({ keyBits: null, windowPastS: 5 });
      expect(await s.in.key(a.id)).toBeNull();
      expect(await s.in.update('nope', { supervisionS: 1 }, T0)).toBeNull();
    });

    it('refuses a taken gateway id or account as a unique violation; lists and removes', async () => {
      const s = stores();
      const a = await s.in.create(unit(s.homes[0]), T0);
      const again = await s.in.create(unit(s.homes[1], { account: '9999' }), T0).catch((e: unknown) => e);
      expect(constraintViolation(again)?.kind).toBe('unique');
      const same = await s.in
        .create(unit(s.homes[1], { gatewayId: 'dc09-unit-2', receiver: 'R1', line: 'L1' }), T0 + 1)
        .then(() =>
          s.in.create(unit(s.homes[1], { gatewayId: 'dc09-unit-3', receiver: 'R1', line: 'L1' }), T0),
        )
        .catch((e: unknown) => e);
      expect(constraintViolation(same)?.kind).toBe('unique');
      const b = await s.in.create(unit(s.homes[1], { gatewayId: 'dc09-unit-4', account: '0000' }), T0 - 1);
      expect((await s.in.all()).map((x) => x.gatewayId)).toEqual([
        'dc09-unit-4',
        'dc09-unit-1',
        'dc09-unit-2',
      ]);
      expect(await s.in.remove(b.id)).toBe(true);
      expect(await s.in.remove(b.id)).toBe(false);
      expect(await s.in.get(b.id)).toBeNull();
      expect(await s.in.get(a.id)).not.toBeNull();
    });

    it('finds the account a frame names: number without ASCII case, exact prefix first', async () => {
      const s = stores();
      const bare = await s.in.create(unit(s.homes[0], { key: null }), T0);
      const prefixed = await s.in.create(
        unit(s.homes[1], { gatewayId: 'dc09-unit-2', receiver: 'R1', line: 'L1', key: null }),
        T0 + 1,
      );
      expect((await s.in.find('1234ab', 'r1', 'l1'))?.id).toBe(prefixed.id);
      expect((await s.in.find('1234AB', undefined, undefined))?.id).toBe(bare.id);
      expect((await s.in.find('1234AB', 'R2', 'L1'))?.id).toBe(bare.id);
      expect(await s.in.find('1234AC', undefined, undefined)).toBeNull();
      expect(await s.in.exists('1234AB', null, null)).toBe(true);
      expect(await s.in.exists('1234AB', 'R1', 'L1')).toBe(true);
      expect(await s.in.exists('1234AB', 'R1', null)).toBe(false);
    });

    it('knows a repeat: same sequence and content within the window', async () => {
      const s = stores();
      const a = await s.in.create(unit(s.homes[0]), T0);
      expect(await s.in.isDuplicate(a.id, 7, 'd1', T0)).toBe(false);
      await s.in.accepted(a.id, 7, 'd1', T0);
      expect(await s.in.isDuplicate(a.id, 7, 'd1', T0 + DUPLICATE_WINDOW_MS)).toBe(true);
      expect(await s.in.isDuplicate(a.id, 7, 'd2', T0 + 1)).toBe(false);
      expect(await s.in.isDuplicate(a.id, 8, 'd1', T0 + 1)).toBe(false);
      expect(await s.in.isDuplicate(a.id, 7, 'd1', T0 + DUPLICATE_WINDOW_MS + 1)).toBe(false);
      await expect(
        s.transaction(async (tx) => {
          await tx.in.accepted(a.id, 9, 'd9', T0 + 2);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await s.in.isDuplicate(a.id, 7, 'd1', T0 + 3)).toBe(true);
    });
  });
}
