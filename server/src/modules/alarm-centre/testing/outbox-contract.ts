import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { NewOutboxEntry, OutboxStore } from '../outbox-store.js';

const T0 = 1_765_432_100_123;

/** An outbox over a database holding two accounts, `acc-1` (home `home-1`) and `acc-2` (home `home-2`). */
export interface OutboxUnderTest {
  outbox: OutboxStore;
}

const entry = (n: number, extra: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  accountId: 'acc-1',
  homeId: 'home-1',
  sourceKey: `event:ev-${n}`,
  eventId: `ev-${n}`,
  kind: 'pendant/alarm',
  seq: n,
  content: 'SIA-DCS',
  data: `#1234|NQA${n}`,
  createdAt: T0 + n,
  ...extra,
});

/** The {@link OutboxStore} contract, run on SQLite and PostgreSQL (`../outbox.contract.test.ts`). */
export function outboxContract(name: string, make: MakeStore<OutboxUnderTest>): void {
  describe(`OutboxStore contract: ${name}`, () => {
    const stores = useStore(make);

    it('queues a cause once per account, also when two queue it at once', async () => {
      const { outbox } = stores();
      const [a, b] = await Promise.all([outbox.add(entry(1)), outbox.add(entry(1))]);
      expect([a, b].filter((x) => x !== null)).toHaveLength(1);
      const id = (a ?? b)!;
      expect(await outbox.get(id)).toEqual({
        id,
        ...entry(1),
        state: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        lastError: null,
        receiverId: null,
        deliveredAt: null,
      });
      expect(await outbox.bySource('acc-1', 'event:ev-1')).toMatchObject({ id });
      expect(await outbox.add(entry(1, { accountId: 'acc-2', homeId: 'home-2' }))).not.toBeNull();
      expect(await outbox.bySource('acc-1', 'event:none')).toBeUndefined();
    });

    it('hands out pending messages oldest first; settles only a pending one, once', async () => {
      const { outbox } = stores();
      const one = (await outbox.add(entry(1)))!;
      const two = (await outbox.add(entry(2)))!;
      expect((await outbox.nextPending('acc-1'))?.id).toBe(one);
      await outbox.attempted(one, T0 + 10, 'timeout', 'rx-1');
      await outbox.attempted(one, T0 + 11, 'nak_clock', 'rx-2');
      expect(await outbox.get(one)).toMatchObject({
        attempts: 2,
        lastAttemptAt: T0 + 11,
        lastError: 'nak_clock',
        receiverId: 'rx-2',
      });
      const settled = await Promise.all([
        outbox.settle(one, 'delivered', T0 + 12, 'rx-2', null),
        outbox.settle(one, 'refused', T0 + 12, 'rx-2', 'DUH'),
      ]);
      expect(settled.filter(Boolean)).toHaveLength(1);
      expect((await outbox.get(one))?.state).not.toBe('pending');
      expect((await outbox.nextPending('acc-1'))?.id).toBe(two);
      await outbox.settle(two, 'refused', T0 + 13, 'rx-1', 'DUH');
      expect(await outbox.get(two)).toMatchObject({ state: 'refused', deliveredAt: null, lastError: 'DUH' });
      expect(await outbox.nextPending('acc-1')).toBeUndefined();
    });

    it('lists by home (newest first) and by events; the latest kind of a home; counts pending', async () => {
      const { outbox } = stores();
      for (const n of [1, 2, 3]) await outbox.add(entry(n));
      await outbox.add(
        entry(4, { accountId: 'acc-2', homeId: 'home-2', eventId: null, sourceKey: 'incident:i:opened' }),
      );
      expect((await outbox.ofHome('home-1', 2)).map((e) => e.seq)).toEqual([3, 2]);
      expect((await outbox.ofEvents(['ev-3', 'ev-1', 'nope'])).map((e) => e.seq)).toEqual([1, 3]);
      expect(await outbox.ofEvents([])).toEqual([]);
      expect(await outbox.latestKind('home-1', ['pendant/alarm', 'pendant/cancel'])).toBe('pendant/alarm');
      await outbox.add(entry(5, { kind: 'pendant/cancel' }));
      expect(await outbox.latestKind('home-1', ['pendant/alarm', 'pendant/cancel'])).toBe('pendant/cancel');
      expect(await outbox.latestKind('home-2', ['pendant/cancel'])).toBeNull();
      expect(await outbox.latestKind('home-1', [])).toBeNull();
      expect(await outbox.pendingOf('acc-1')).toBe(4);
      expect(await outbox.countPending()).toBe(5);
      const first = (await outbox.nextPending('acc-1'))!;
      await outbox.settle(first.id, 'delivered', T0 + 20, 'rx-1', null);
      expect(await outbox.get(first.id)).toMatchObject({ state: 'delivered', deliveredAt: T0 + 20 });
      expect(await outbox.pendingOf('acc-1')).toBe(3);
      expect(await outbox.countPending()).toBe(4);
    });
  });
}
