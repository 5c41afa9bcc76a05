import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { CarerStore } from '../carer-store.js';
import type { FollowupStore, Run } from '../followup-store.js';
import type { PushSubscriptionStore } from '../notify/push-subscription-store.js';

const T0 = 1_765_432_100_123;

/** The follow-up module's stores over one database, with a client, a home and two users in it. */
export interface FollowupStores {
  runs: FollowupStore;
  carers: CarerStore;
  subs: PushSubscriptionStore;
  /** Ids the fixture created: `clientId`, `homeId`, `userA`, `userB`. */
  ids: { clientId: string; homeId: string; userA: string; userB: string };
}

const run = (alarmId: string, at = T0, extra: Partial<Run> = {}): Run => ({
  alarmId,
  homeId: 'h-1',
  plan: [{ kind: 'carer', carerId: 'c1', userId: 'u1', name: 'Ann', seconds: 180 }, { kind: 'centre' }],
  position: 0,
  state: 'asking',
  deadlineAt: at + 180_000,
  acceptedBy: null,
  acceptedAt: null,
  startedAt: at,
  ...extra,
});

/** The follow-up stores' contracts, run on SQLite and PostgreSQL (`../followup-stores.contract.test.ts`). */
export function followupContract(name: string, make: MakeStore<FollowupStores>): void {
  describe(`FollowupStore contract: ${name}`, () => {
    const stores = useStore(make);

    it('keeps, replaces and removes a home chain', async () => {
      const { runs, ids } = stores();
      expect(await runs.chain(ids.homeId)).toBeUndefined();
      await runs.setChain(ids.homeId, [{ kind: 'informal_carers', minutesEach: 3 }], 'u', T0);
      await runs.setChain(ids.homeId, [{ kind: 'alarm_centre' }], 'v', T0 + 1);
      expect(await runs.chain(ids.homeId)).toEqual({
        steps: [{ kind: 'alarm_centre' }],
        updatedAt: T0 + 1,
        updatedBy: 'v',
      });
      await runs.setChain(ids.homeId, null, 'v', T0 + 2);
      expect(await runs.chain(ids.homeId)).toBeUndefined();
    });

    it('inserts a run once per alarm, also when two insert it at once', async () => {
      const { runs } = stores();
      const [a, b] = await Promise.all([runs.insertRun(run('al-1')), runs.insertRun(run('al-1'))]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await runs.run('al-1')).toEqual(run('al-1'));
      expect(await runs.run('none')).toBeUndefined();
    });

    it('updates runs and lists them: open, of a home, between, accepted by', async () => {
      const { runs } = stores();
      await runs.insertRun(run('al-1', T0));
      await runs.insertRun(run('al-2', T0 + 10, { homeId: 'h-2' }));
      await runs.insertRun(run('al-3', T0 + 20));
      await runs.updateRun('al-2', { position: 1, state: 'centre', deadlineAt: null });
      await runs.updateRun('al-3', {
        position: 0,
        state: 'accepted',
        deadlineAt: null,
        acceptedBy: 'u1',
        acceptedAt: T0 + 30,
      });
      await runs.updateRun('al-3', { position: 0, state: 'accepted', deadlineAt: null });
      expect(await runs.run('al-3')).toMatchObject({ acceptedBy: 'u1', acceptedAt: T0 + 30 });
      expect((await runs.open()).map((r) => r.alarmId)).toEqual(['al-1', 'al-2']);
      expect((await runs.runsOfHome('h-1', 10)).map((r) => r.alarmId)).toEqual(['al-3', 'al-1']);
      expect((await runs.runsOfHome('h-1', 1)).map((r) => r.alarmId)).toEqual(['al-3']);
      expect((await runs.runsBetween(T0, T0 + 20)).map((r) => r.alarmId)).toEqual(['al-1', 'al-2']);
      expect((await runs.acceptedBy('u1')).map((r) => r.alarmId)).toEqual(['al-3']);
    });

    it('keeps steps in the order written', async () => {
      const { runs } = stores();
      await runs.insertRun(run('al-1'));
      const step = (kind: 'asked' | 'no_answer' | 'ended', at: number) => ({
        alarmId: 'al-1',
        at,
        kind,
        offer: kind === 'ended' ? null : 0,
        targetKind: kind === 'ended' ? null : ('carer' as const),
        targetId: kind === 'ended' ? null : 'u1',
        targetName: kind === 'ended' ? null : 'Ann',
        userId: null,
        detail: kind === 'ended' ? 'why' : null,
      });
      await runs.addStep(step('asked', T0 + 5));
      await runs.addStep(step('no_answer', T0 + 1));
      await runs.addStep(step('ended', T0 + 1));
      expect(await runs.steps('al-1')).toEqual([
        step('asked', T0 + 5),
        step('no_answer', T0 + 1),
        step('ended', T0 + 1),
      ]);
      expect(await runs.steps('al-2')).toEqual([]);
    });

    it('under the run lock, of two accepting at once exactly one wins; a rollback leaves nothing', async () => {
      const { runs } = stores();
      await runs.insertRun(run('al-1'));
      const accept = (who: string) =>
        runs.transaction(async (tx) => {
          const r = await tx.lockRun('al-1');
          if (r?.state !== 'asking') return false;
          await tx.updateRun('al-1', {
            position: 0,
            state: 'accepted',
            deadlineAt: null,
            acceptedBy: who,
            acceptedAt: T0,
          });
          await tx.addStep({
            alarmId: 'al-1',
            at: T0,
            kind: 'accepted',
            offer: 0,
            targetKind: null,
            targetId: null,
            targetName: null,
            userId: who,
            detail: null,
          });
          return true;
        });
      const won = await Promise.all(['u1', 'u2', 'u3'].map(accept));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await runs.steps('al-1')).toHaveLength(1);
      await expect(
        runs.transaction(async (tx) => {
          await tx.insertRun(run('al-2'));
          await tx.setChain('h-x', null, 'u', T0);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await runs.run('al-2')).toBeUndefined();
    });
  });

  describe(`CarerStore contract: ${name}`, () => {
    const stores = useStore(make);

    it('adds carers in order, reorders exactly the current ones, removes', async () => {
      const { carers, ids } = stores();
      const a = await carers.add({ clientId: ids.clientId, name: 'Ann', relation: 'daughter', by: 'u' }, T0);
      const b = await carers.add({ clientId: ids.clientId, name: 'Bob', relation: null, by: 'u' }, T0 + 1);
      expect(a).toMatchObject({
        clientId: ids.clientId,
        name: 'Ann',
        relation: 'daughter',
        position: 1,
        userId: null,
        createdAt: T0,
      });
      expect(b.position).toBe(2);
      expect(await carers.reorder(ids.clientId, [b.id])).toBe(false);
      expect(await carers.reorder(ids.clientId, [b.id, b.id])).toBe(false);
      expect(await carers.reorder(ids.clientId, [b.id, a.id])).toBe(true);
      expect((await carers.list(ids.clientId)).map((c) => c.name)).toEqual(['Bob', 'Ann']);
      await carers.remove(b.id, T0 + 2);
      expect(await carers.get(b.id)).toBeUndefined();
      expect((await carers.list(ids.clientId)).map((c) => c.name)).toEqual(['Ann']);
    });

    it('two carers added at once get distinct positions', async () => {
      const { carers, ids } = stores();
      await Promise.all(
        ['A', 'B', 'C', 'D'].map((n) =>
          carers.add({ clientId: ids.clientId, name: n, relation: null, by: 'u' }, T0),
        ),
      );
      expect((await carers.list(ids.clientId)).map((c) => c.position).sort()).toEqual([1, 2, 3, 4]);
    });

    it('an invitation is redeemed once, before it expires; a new one voids the old; linking names the user', async () => {
      const { carers, ids } = stores();
      const c = await carers.add({ clientId: ids.clientId, name: 'Ann', relation: null, by: 'u' }, T0);
      await carers.invite(c.id, 'hash-1', 'u', T0, T0 + 1000);
      expect(await carers.openInvitation(c.id, T0)).toBe(T0 + 1000);
      await carers.invite(c.id, 'hash-2', 'u', T0 + 1, T0 + 2000);
      expect(await carers.redeem('hash-1', T0 + 2)).toBeUndefined();
      expect(await carers.redeem('hash-2', T0 + 2000)).toBeUndefined(); // expired at that instant
      await carers.invite(c.id, 'hash-3', 'u', T0 + 3, T0 + 5000);
      const both = await Promise.all([carers.redeem('hash-3', T0 + 4), carers.redeem('hash-3', T0 + 4)]);
      expect(both.filter((x) => x !== undefined)).toHaveLength(1);
      expect(await carers.openInvitation(c.id, T0 + 4)).toBeNull();
      await carers.linkUser(c.id, ids.userA, T0 + 5);
      expect(await carers.get(c.id)).toMatchObject({ userId: ids.userA, acceptedAt: T0 + 5 });
      expect((await carers.ofUser(ids.userA)).map((x) => x.id)).toEqual([c.id]);
    });
  });

  describe(`PushSubscriptionStore contract: ${name}`, () => {
    const stores = useStore(make);
    const sub = (userId: string, endpoint: string, lang: 'nl' | 'en' | null = null) => ({
      userId,
      endpoint,
      p256dh: 'p',
      auth: 'a',
      label: 'phone',
      lang,
    });

    it('one subscription per endpoint: a re-subscribe replaces it and resets failures', async () => {
      const { subs, ids } = stores();
      const s = await subs.upsert(sub(ids.userA, 'https://push.example/1', 'en'), T0);
      expect(s).toMatchObject({
        userId: ids.userA,
        lang: 'en',
        createdAt: T0,
        lastSuccessAt: null,
        failures: 0,
      });
      await subs.markResult(s.id, false, T0 + 1);
      await subs.markResult(s.id, false, T0 + 2);
      expect((await subs.ofUser(ids.userA))[0]!.failures).toBe(2);
      await subs.markResult(s.id, true, T0 + 3);
      expect((await subs.ofUser(ids.userA))[0]).toMatchObject({ failures: 0, lastSuccessAt: T0 + 3 });
      const again = await subs.upsert(sub(ids.userB, 'https://push.example/1'), T0 + 4);
      expect(again).toMatchObject({ userId: ids.userB, lang: null, createdAt: T0 + 4 });
      expect(await subs.ofUser(ids.userA)).toEqual([]);
      const both = await Promise.all([
        subs.upsert(sub(ids.userA, 'https://push.example/2'), T0 + 5),
        subs.upsert(sub(ids.userA, 'https://push.example/2'), T0 + 5),
      ]);
      expect(both[0]!.endpoint).toBe('https://push.example/2');
      expect((await subs.ofUser(ids.userA)).map((x) => x.endpoint)).toEqual(['https://push.example/2']);
    });

    it('deletes only a person own subscription; drops one by id', async () => {
      const { subs, ids } = stores();
      const s = await subs.upsert(sub(ids.userA, 'https://push.example/1'), T0);
      expect(await subs.delete(s.id, ids.userB)).toBe(false);
      expect(await subs.delete(s.id, ids.userA)).toBe(true);
      const t = await subs.upsert(sub(ids.userA, 'https://push.example/2'), T0);
      await subs.drop(t.id);
      expect(await subs.ofUser(ids.userA)).toEqual([]);
    });
  });
}
