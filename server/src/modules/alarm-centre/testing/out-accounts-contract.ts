import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { OutAccountInput } from '../out-account-store.js';
import type { CentreStores } from './centre-fixture.js';

const T0 = 1_765_432_100_123;
const KEY = new Uint8Array(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));

const input = (extra: Partial<OutAccountInput> = {}): OutAccountInput => ({
  receiver: 'AB12',
  line: '3',
  account: '1234AB',
  key: KEY,
  content: 'SIA-DCS',
  supervisionS: 60,
  receivers: [
    { host: 'primary.example', port: 9000, transport: 'tcp' },
    { host: 'backup.example', port: 9001, transport: 'udp' },
  ],
  ...extra,
});

/** The {@link OutAccounts} contract, run on SQLite and PostgreSQL (`../accounts.contract.test.ts`). */
export function outAccountsContract(name: string, make: MakeStore<CentreStores>): void {
  describe(`OutAccounts contract: ${name}`, () => {
    const stores = useStore(make);

    it('keeps a home account with its receivers in order; the key only sealed at rest', async () => {
      const { out, homes, sql } = stores();
      const a = await out.put(homes[0], input(), T0);
      expect(a).toEqual({
        id: a.id,
        homeId: homes[0],
        receiver: 'AB12',
        line: '3',
        account: '1234AB',
        keyBits: 128,
        content: 'SIA-DCS',
        supervisionS: 60,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await out.byHome(homes[0])).toEqual(a);
      expect(await out.get(a.id)).toEqual(a);
      expect(await out.byHome(homes[1])).toBeNull();
      expect(await out.byHomes([homes[1], homes[0], homes[0]])).toEqual(new Map([[homes[0], a]]));
      expect(await out.byHomes([])).toEqual(new Map());
      expect(await out.get('nope')).toBeNull();
      expect((await out.receivers(a.id)).map((r) => [r.priority, r.host, r.port, r.transport])).toEqual([
        [0, 'primary.example', 9000, 'tcp'],
        [1, 'backup.example', 9001, 'udp'],
      ]);
      expect(await out.key(a.id)).toEqual(KEY);
      const raw = JSON.stringify(await sql('SELECT * FROM dc09_out_accounts'));
      expect(raw).not.toContain('000102030405060708090a0b0c0d0e0f');
      expect(raw).not.toContain(Buffer.from(KEY).toString('base64'));
    });

    it('replaces an account in place: id, creation time and sequence kept, receivers replaced', async () => {
      const { out, homes } = stores();
      const a = await out.put(homes[0], input(), T0);
      expect(await out.takeSeq(a.id)).toBe(1);
      const b = await out.put(
        homes[0],
        input({
          key: null,
          content: 'ADM-CID',
          receivers: [{ host: 'new.example', port: 1, transport: 'udp' }],
        }),
        T0 + 5,
      );
      expect(b).toMatchObject({
        id: a.id,
        createdAt: T0,
        updatedAt: T0 + 5,
        keyBits: null,
        content: 'ADM-CID',
      });
      expect(await out.key(a.id)).toBeNull();
      expect((await out.receivers(a.id)).map((r) => r.host)).toEqual(['new.example']);
      expect(await out.takeSeq(a.id)).toBe(2);
    });

    it('two puts for one home at once leave one account', async () => {
      const { out, homes } = stores();
      const [a, b] = await Promise.all([
        out.put(homes[0], input(), T0),
        out.put(homes[0], input({ account: '5678' }), T0 + 1),
      ]);
      expect(a.id).toBe(b.id);
      expect(await out.all()).toHaveLength(1);
      expect(await out.receivers(a.id)).toHaveLength(2);
    });

    it('lists accounts oldest first and removes one with its receivers', async () => {
      const { out, homes, sql } = stores();
      const second = await out.put(homes[1], input(), T0 + 1);
      const first = await out.put(homes[0], input(), T0);
      expect((await out.all()).map((a) => a.id)).toEqual([first.id, second.id]);
      expect(await out.remove(homes[0])).toBe(true);
      expect(await out.remove(homes[0])).toBe(false);
      expect((await out.all()).map((a) => a.id)).toEqual([second.id]);
      expect(await sql('SELECT id FROM dc09_out_receivers WHERE account_id = ?', first.id)).toEqual([]);
    });

    it('hands out each sequence number once, also to callers at once, and wraps after 9999', async () => {
      const { out, homes, sql } = stores();
      const a = await out.put(homes[0], input(), T0);
      const taken = await Promise.all([1, 2, 3, 4, 5].map(() => out.takeSeq(a.id)));
      expect(taken.toSorted((x, y) => x! - y!)).toEqual([1, 2, 3, 4, 5]);
      await sql('UPDATE dc09_out_accounts SET next_seq = 9999 WHERE id = ?', a.id);
      expect(await out.takeSeq(a.id)).toBe(9999);
      expect(await out.takeSeq(a.id)).toBe(1);
      expect(await out.takeSeq('nope')).toBeNull();
    });

    it('a transaction that fails leaves no account and no sequence number taken', async () => {
      const { out, homes, transaction } = stores();
      const a = await out.put(homes[0], input(), T0);
      await expect(
        transaction(async (tx) => {
          await tx.out.takeSeq(a.id);
          await tx.out.put(homes[1], input(), T0);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await out.byHome(homes[1])).toBeNull();
      expect(await out.takeSeq(a.id)).toBe(1);
    });
  });
}
