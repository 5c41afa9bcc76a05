import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { InEventRow, RejectedRow } from '../in-log-store.js';
import type { CentreStores } from './centre-fixture.js';

const T0 = 1_765_432_100_123;

const event = (accountId: string, homeId: string, seq: number): Omit<InEventRow, 'id'> => ({
  accountId,
  homeId,
  seq,
  content: 'ADM-CID',
  code: seq % 2 ? 'E101' : 'E999',
  zone: seq % 2 ? '001' : null,
  mapped: seq % 2 ? 'pendant/alarm' : null,
  eventId: seq % 2 ? `dc09-ev-${seq}` : null,
  messageAt: seq % 2 ? T0 + seq : null,
  receivedAt: T0 + seq,
});

const refused = (n: number): Omit<RejectedRow, 'id'> => ({
  at: T0 + n,
  peer: `127.0.0.1:${5000 + n}`,
  transport: n % 2 ? 'tcp' : 'udp',
  reason: 'unknown_account',
  answer: 'NAK',
  account: n % 2 ? '1234' : null,
  raw: `\\x0a frame ${n}`,
});

/** The {@link InLog} contract, run on SQLite and PostgreSQL (`../accounts.contract.test.ts`). */
export function inLogContract(name: string, make: MakeStore<CentreStores>): void {
  describe(`InLog contract: ${name}`, () => {
    const stores = useStore(make);

    const twoUnits = async (s: CentreStores) => {
      const mk = (homeId: string, gatewayId: string, account: string) =>
        s.in.create(
          {
            homeId,
            gatewayId,
            receiver: null,
            line: null,
            account,
            key: null,
            windowPastS: 40,
            windowFutureS: 20,
            supervisionS: 60,
          },
          T0,
        );
      return [await mk(s.homes[0], 'dc09-a', '1111'), await mk(s.homes[1], 'dc09-b', '2222')] as const;
    };

    it("keeps a unit's events, mapped or not, newest first", async () => {
      const s = stores();
      const [a, b] = await twoUnits(s);
      for (const seq of [1, 2, 3]) await s.log.addEvent(event(a.id, a.homeId, seq));
      await s.log.addEvent(event(b.id, b.homeId, 4));
      const rows = await s.log.events(a.id, 2);
      expect(rows.map((r) => r.seq)).toEqual([3, 2]);
      expect(rows[1]).toEqual({ id: rows[1]!.id, ...event(a.id, a.homeId, 2) });
      expect(rows[0]).toEqual({ id: rows[0]!.id, ...event(a.id, a.homeId, 3) });
      expect((await s.log.events(b.id, 10)).map((r) => r.seq)).toEqual([4]);
    });

    it('an event written in a transaction that fails is not kept', async () => {
      const s = stores();
      const [a] = await twoUnits(s);
      await expect(
        s.transaction(async (tx) => {
          await tx.log.addEvent(event(a.id, a.homeId, 1));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await s.log.events(a.id, 10)).toEqual([]);
      await s.transaction(async (tx) => tx.log.addEvent(event(a.id, a.homeId, 2)));
      expect((await s.log.events(a.id, 10)).map((r) => r.seq)).toEqual([2]);
    });

    it('keeps refused frames newest first, only the last `keep`', async () => {
      const s = stores();
      for (const n of [1, 2]) await s.log.reject(refused(n));
      const rows = await s.log.rejected(10);
      expect(rows).toEqual([
        { id: rows[0]!.id, ...refused(2) },
        { id: rows[1]!.id, ...refused(1) },
      ]);
      expect(await s.log.rejected(1)).toHaveLength(1);
      for (const n of [3, 4, 5]) await s.logKeeping2.reject(refused(n));
      expect((await s.logKeeping2.rejected(10)).map((r) => r.at)).toEqual([T0 + 5, T0 + 4]);
    });
  });
}
