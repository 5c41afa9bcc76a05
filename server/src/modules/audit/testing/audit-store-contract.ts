import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import { AuditChain } from '../audit-chain.js';
import type { AuditStore } from '../audit-store.js';

const T0 = 1_765_432_100_123;

/**
 * The {@link AuditStore} contract, through the chain that uses it (`AuditChain`): run on SQLite and
 * on PostgreSQL (`../audit-store.contract.test.ts`).
 */
export function auditStoreContract(name: string, make: MakeStore<AuditStore>): void {
  describe(`AuditStore contract: ${name}`, () => {
    const store = useStore(make);
    const entry = (i: number, at = T0 + i) => ({
      at,
      actor: 'user:u1',
      action: i % 2 ? 'access.refused' : 'access.request',
      subject: `home:h${i % 3}`,
      details: { i, nested: { b: 2, a: [1, 'x'] } },
    });

    it('chains appends, reads them back in seq order with their details, and verifies', async () => {
      const chain = new AuditChain(store());
      for (let i = 1; i <= 5; i++) await chain.append(entry(i));
      const all = await chain.list({ limit: 100 });
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(all[0]).toMatchObject({ at: T0 + 1, details: { i: 1, nested: { b: 2, a: [1, 'x'] } } });
      for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
      expect(await chain.verify()).toMatchObject({ ok: true, entries: 5, firstSeq: 1, lastSeq: 5 });
      expect(await store().head()).toEqual({ seq: 5, hash: all[4]!.hash });
    });

    it('filters by subject, action and seq; counts by action, actor, subject and time', async () => {
      const chain = new AuditChain(store());
      for (let i = 1; i <= 6; i++) await chain.append(entry(i));
      expect((await chain.list({ subject: 'home:h1', limit: 10 })).map((e) => e.seq)).toEqual([1, 4]);
      expect(
        (await chain.list({ action: 'access.refused', sinceSeq: 1, limit: 10 })).map((e) => e.seq),
      ).toEqual([3, 5]);
      expect((await chain.list({ limit: 2 })).map((e) => e.seq)).toEqual([1, 2]);
      expect(await chain.count({ action: 'access.refused', since: T0 })).toBe(3);
      expect(await chain.count({ action: 'access.refused', since: T0 + 1 })).toBe(2);
      expect(await chain.count({ action: 'access.refused', actor: 'user:u2', since: 0 })).toBe(0);
      expect(await chain.count({ action: 'access.request', subject: 'home:h0', since: 0 })).toBe(1);
    });

    it('many appends at once still form one chain (no two on the same head)', async () => {
      const chain = new AuditChain(store());
      const made = await Promise.all(Array.from({ length: 24 }, (_, i) => chain.append(entry(i + 1))));
      expect(made.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
      expect(await chain.verify()).toMatchObject({ ok: true, entries: 24 });
    });

    it('a rolled-back transaction leaves no entry, and the next append takes its seq', async () => {
      const s = store();
      const chain = new AuditChain(s);
      await chain.append(entry(1));
      await expect(
        s.transaction(async (tx) => {
          await new AuditChain(tx).append(entry(2));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await chain.list({ limit: 10 })).map((e) => e.seq)).toEqual([1]);
      expect((await chain.append(entry(3))).seq).toBe(2);
      expect(await chain.verify()).toMatchObject({ ok: true, entries: 2 });
    });

    it('refuses a second entry with the same seq', async () => {
      const s = store();
      const e = await new AuditChain(s).append(entry(1));
      await expect(s.insert({ ...e, hash: 'f'.repeat(64) })).rejects.toBeTruthy();
    });

    it('the retention purge removes old entries, leaves a checkpoint and its own entry, and verifies', async () => {
      const s = store();
      const chain = new AuditChain(s);
      for (let i = 1; i <= 5; i++) await chain.append(entry(i, 1000 + i));
      for (let i = 6; i <= 7; i++) await chain.append(entry(i, 5000 + i));
      expect(await chain.purgeBefore(5000, 9000)).toEqual({ purged: 5, throughSeq: 5 });
      const rest = await chain.list({ limit: 100 });
      expect(rest.map((e) => e.seq)).toEqual([6, 7, 8]);
      expect(rest[2]).toMatchObject({ action: 'audit.purged', details: { throughSeq: 5, purged: 5 } });
      expect(await s.lastCheckpoint()).toMatchObject({ seq: 5 });
      expect(await chain.verify()).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 8 });
      // never the head: a purge of everything keeps the newest entry
      expect(await chain.purgeBefore(Number.MAX_SAFE_INTEGER, 9001)).toMatchObject({ throughSeq: 7 });
      expect(await chain.purgeBefore(0, 9002)).toEqual({ purged: 0, throughSeq: null });
      expect(await chain.verify()).toMatchObject({ ok: true, firstSeq: 8, lastSeq: 9 });
    });

    it('the store refuses a delete outside the purge path', async () => {
      const s = store();
      const chain = new AuditChain(s);
      for (let i = 1; i <= 3; i++) await chain.append(entry(i));
      // deleteThrough is the purge path: it lifts the guard for its own statement only
      expect(await s.deleteThrough(1)).toBe(1);
      expect(await chain.verify()).toMatchObject({ ok: false, problem: 'seq_gap', firstBrokenSeq: 1 });
    });

    it('verify walks a chain longer than one page', async () => {
      const s = store();
      const chain = new AuditChain(s);
      await s.transaction(async (tx) => {
        const inner = new AuditChain(tx);
        for (let i = 1; i <= 1203; i++) await inner.append(entry(i));
      });
      expect(await chain.verify()).toMatchObject({ ok: true, entries: 1203, lastSeq: 1203 });
    });
  });
}
