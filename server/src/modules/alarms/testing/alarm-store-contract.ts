import { describe, expect, it } from 'vitest';
import { type MakeStore, useStore } from '../../../store/testing/store-fixture.js';
import type { AlarmRow, AlarmStore, NewAlarm, Transition } from '../alarm-store.js';
import type { CancelPolicies } from '../cancel-policy.js';

const T0 = 1_765_432_100_123;

/** The alarms module's stores over one database holding two homes (regions North, South) and two users. */
export interface AlarmStores {
  alarms: AlarmStore;
  policies: CancelPolicies;
  /** Ids the fixture created. */
  ids: { homeA: string; homeB: string; userA: string; userB: string };
  /** Whether two transactions run at the same time (PostgreSQL's pool) rather than one after the other (SQLite). */
  parallel: boolean;
}

let seq = 0;
const alarm = (over: Partial<NewAlarm> = {}): NewAlarm => ({
  eventId: `evt-${++seq}`,
  gatewayId: 'gw-1',
  homeId: null,
  deviceId: 'pendant-1',
  kind: 'alarm',
  raisedAt: T0,
  createdAt: T0 + 5,
  authenticated: true,
  ...over,
});

const step = (over: Partial<Transition> = {}): Transition => ({
  fromState: 'new',
  toState: 'acknowledged',
  action: 'ack',
  at: T0 + 1_000,
  byUserId: null,
  source: 'user',
  note: null,
  ...over,
});

/**
 * People accepting one alarm at once, as the alarm service does: lock, check the state (and the
 * person), move it. Where transactions run in parallel, none moves it before every one has asked
 * for the lock, so a lock that did not hold would let several read `new` and win.
 */
async function acceptAll(s: AlarmStores, id: string, who: string[]): Promise<boolean[]> {
  let asked = 0;
  let allAsked!: () => void;
  const everyone = new Promise<void>((r) => (allAsked = r));
  return Promise.all(
    who.map((userId) =>
      s.alarms.transaction(async (tx) => {
        const locking = tx.lock(id);
        if (++asked === who.length) allAsked();
        const cur = await locking;
        if (s.parallel) await everyone;
        if (cur?.state !== 'new' || !(await tx.userExists(userId))) return false;
        await tx.update(
          id,
          { state: 'acknowledged', acknowledgedAt: T0 + 1_000, acknowledgedBy: userId },
          step({ byUserId: userId }),
        );
        return true;
      }),
    ),
  );
}

/** The alarm store's and cancel policies' contract, run on SQLite and PostgreSQL (`../alarm-store.contract.test.ts`). */
export function alarmStoreContract(name: string, make: MakeStore<AlarmStores>): void {
  describe(`AlarmStore contract: ${name}`, () => {
    const stores = useStore(make);

    it('opens one alarm per event with its raise transition, as stored', async () => {
      const { alarms, ids } = stores();
      const n = alarm({ homeId: ids.homeA, authenticated: false, kind: 'fall' });
      const a = await alarms.create(n);
      expect(a).toMatchObject({ state: 'new', kind: 'fall', authenticated: false, homeId: ids.homeA });
      expect(await alarms.get(a!.id)).toEqual(a);
      expect(await alarms.create(n)).toBeUndefined();
      expect(await alarms.idOfEvent(n.eventId)).toBe(a!.id);
      expect(await alarms.idOfEvent('other')).toBeUndefined();
      expect(await alarms.transitions(a!.id)).toEqual([
        {
          fromState: null,
          toState: 'new',
          action: 'raise',
          at: T0 + 5,
          byUserId: null,
          source: 'pendant',
          note: null,
        },
      ]);
      expect(await alarms.get('none')).toBeUndefined();
    });

    it("opens a turn's alarms in one call: in order, once per event id, each with its raise transition", async () => {
      const { alarms, ids } = stores();
      const had = (await alarms.create(alarm()))!;
      const a = alarm({ homeId: ids.homeA, kind: 'fall', authenticated: false });
      const b = alarm({ createdAt: T0 + 9 });
      const got = await alarms.createMany([a, alarm({ eventId: had.eventId }), b, { ...a, kind: 'alarm' }]);
      expect(got.map((r) => [r.eventId, r.kind, r.homeId, r.authenticated, r.createdAt])).toEqual([
        [a.eventId, 'fall', ids.homeA, false, T0 + 5],
        [b.eventId, 'alarm', null, true, T0 + 9],
      ]);
      for (const r of got) expect(await alarms.get(r.id)).toEqual(r);
      expect(
        (await alarms.transitions(got[1]!.id)).map((t) => [t.action, t.toState, t.at, t.source]),
      ).toEqual([['raise', 'new', T0 + 9, 'pendant']]);
      expect(await alarms.createMany([a, b])).toEqual([]);
      expect(await alarms.createMany([])).toEqual([]);
      expect(await alarms.list({ limit: 10, offset: 0 })).toHaveLength(3);
    });

    it('a turn and another instance opening the same alarms at once open each once', async () => {
      const { alarms } = stores();
      const list = [alarm(), alarm(), alarm()];
      const got = await Promise.all([
        alarms.transaction((tx) => tx.createMany(list)),
        alarms.transaction((tx) => tx.createMany([list[2]!, list[0]!])),
        alarms.create(list[1]!),
      ]);
      expect(got.flatMap((r) => (Array.isArray(r) ? r : r ? [r] : []))).toHaveLength(3);
      expect(await alarms.list({ limit: 10, offset: 0 })).toHaveLength(3);
    });

    it('stores an event delivered twice at once as one alarm (two transactions, as two instances would)', async () => {
      const { alarms } = stores();
      const n = alarm();
      const got = await Promise.all([
        alarms.transaction((tx) => tx.create(n)),
        alarms.transaction((tx) => tx.create(n)),
        alarms.create(n),
      ]);
      expect(got.filter(Boolean)).toHaveLength(1);
      expect(await alarms.list({ limit: 10, offset: 0 })).toHaveLength(1);
      expect(await alarms.transitions(got.find(Boolean)!.id)).toHaveLength(1);
    });

    it('updates an alarm and records the transition; clears a field set to null; refuses an unknown alarm', async () => {
      const { alarms, ids } = stores();
      const a = (await alarms.create(alarm()))!;
      const assigned = await alarms.update(
        a.id,
        { state: 'assigned', assignedAt: T0 + 9, assignedTeamId: 'team-1', assignedUserId: ids.userA },
        step({ toState: 'assigned', action: 'assign', byUserId: ids.userB, note: 'go' }),
      );
      expect(assigned).toMatchObject({
        state: 'assigned',
        assignedTeamId: 'team-1',
        assignedUserId: ids.userA,
      });
      expect(await alarms.get(a.id)).toEqual(assigned);
      const noted = await alarms.update(
        a.id,
        {},
        step({ fromState: 'assigned', toState: 'assigned', action: 'note' }),
      );
      expect(noted).toEqual(assigned);
      expect(await alarms.update(a.id, { assignedUserId: null }, step({ action: 'unassign' }))).toMatchObject(
        {
          assignedUserId: null,
          assignedTeamId: 'team-1',
        },
      );
      expect((await alarms.transitions(a.id)).map((t) => t.action)).toEqual([
        'raise',
        'assign',
        'note',
        'unassign',
      ]);
      expect((await alarms.transitions(a.id))[1]).toEqual(
        step({ toState: 'assigned', action: 'assign', byUserId: ids.userB, note: 'go' }),
      );
      await expect(alarms.update('none', { state: 'closed' }, step())).rejects.toMatchObject({
        code: 'BAKEN_ERR_NOT_FOUND',
      });
      await expect(alarms.update('none', {}, step())).rejects.toMatchObject({ code: 'BAKEN_ERR_NOT_FOUND' });
    });

    it('two people accepting one alarm at once: one wins, the other sees it taken', async () => {
      const { alarms, ids } = stores();
      const a = (await alarms.create(alarm()))!;
      const who = [ids.userA, ids.userB, ids.userA, ids.userB, ids.userA, ids.userB];
      const won = await acceptAll(stores(), a.id, who);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect((await alarms.transitions(a.id)).map((t) => t.action)).toEqual(['raise', 'ack']);
      expect((await alarms.get(a.id))?.acknowledgedBy).toBe(who[won.indexOf(true)]);
    });

    it('what the ingest processor reads to update waits for a staff action on that alarm and sees it', async () => {
      const s = stores();
      const { alarms, ids } = s;
      const a = (await alarms.create(alarm({ homeId: ids.homeA })))!;
      await alarms.update(a.id, { state: 'assigned' }, step({ toState: 'assigned' }));
      let asked!: () => void;
      const turnAsked = new Promise<void>((r) => (asked = r));
      let locked!: () => void;
      const staffLocked = new Promise<void>((r) => (locked = r));
      const staff = alarms.transaction(async (tx) => {
        await tx.lock(a.id);
        locked();
        if (s.parallel) await turnAsked;
        await tx.update(
          a.id,
          { state: 'closed', closedAt: T0 + 9 },
          step({ toState: 'closed', action: 'close' }),
        );
      });
      await staffLocked;
      // meanwhile an ingest turn reads the home's assigned alarms and the pendant's open one
      const turn = alarms.transaction(async (t) => {
        const reads = Promise.all([t.assignedOfHome(ids.homeA), t.latestOpenOfDevice('gw-1', 'pendant-1')]);
        asked();
        return reads;
      });
      await staff;
      expect(await turn).toEqual([[], undefined]);
    });

    it('a rolled-back transaction leaves nothing behind', async () => {
      const { alarms } = stores();
      const n = alarm();
      const kept = (await alarms.create(alarm()))!;
      await expect(
        alarms.transaction(async (tx) => {
          const a = (await tx.create(n))!;
          await tx.update(
            a.id,
            { state: 'closed', closedAt: T0 + 1 },
            step({ toState: 'closed', action: 'close' }),
          );
          await tx.update(kept.id, { state: 'acknowledged' }, step());
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await alarms.idOfEvent(n.eventId)).toBeUndefined();
      expect(await alarms.get(kept.id)).toEqual(kept);
      expect(await alarms.transitions(kept.id)).toHaveLength(1);
      expect(await alarms.countOpen()).toBe(1);
      // the event is still new to the store: a resend opens its alarm
      expect(await alarms.create(n)).toBeDefined();
    });

    it('finds a pendant’s latest open alarm and a home’s assigned alarms', async () => {
      const { alarms, ids } = stores();
      const old = (await alarms.create(alarm({ raisedAt: T0, homeId: ids.homeA })))!;
      const latest = (await alarms.create(alarm({ raisedAt: T0 + 10, homeId: ids.homeA })))!;
      await alarms.create(alarm({ raisedAt: T0 + 20, deviceId: 'pendant-2', homeId: ids.homeA }));
      await alarms.create(alarm({ raisedAt: T0 + 30, gatewayId: 'gw-2' }));
      expect((await alarms.latestOpenOfDevice('gw-1', 'pendant-1'))?.id).toBe(latest.id);
      await alarms.update(latest.id, { state: 'closed', closedAt: T0 + 40 }, step({ toState: 'closed' }));
      expect((await alarms.latestOpenOfDevice('gw-1', 'pendant-1'))?.id).toBe(old.id);
      expect(await alarms.latestOpenOfDevice('gw-1', 'nobody')).toBeUndefined();
      expect(await alarms.assignedOfHome(ids.homeA)).toEqual([]);
      const assigned = await alarms.update(old.id, { state: 'assigned' }, step({ toState: 'assigned' }));
      expect(await alarms.assignedOfHome(ids.homeA)).toEqual([assigned]);
      expect(await alarms.assignedOfHome(ids.homeB)).toEqual([]);
    });

    it('lists newest first with filters and paging, and counts the open ones', async () => {
      const { alarms, ids } = stores();
      const made: AlarmRow[] = [];
      for (let i = 0; i < 5; i++)
        made.push(
          (await alarms.create(alarm({ raisedAt: T0 + i * 10, homeId: i % 2 ? ids.homeB : ids.homeA })))!,
        );
      await alarms.update(made[1]!.id, { state: 'closed' }, step({ toState: 'closed' }));
      await alarms.update(made[2]!.id, { state: 'assigned', assignedUserId: ids.userA }, step());
      const idsOf = (rows: AlarmRow[]) => rows.map((r) => made.findIndex((m) => m.id === r.id));
      const all = { limit: 10, offset: 0 };
      expect(idsOf(await alarms.list(all))).toEqual([4, 3, 2, 1, 0]);
      expect(idsOf(await alarms.list({ ...all, limit: 2, offset: 1 }))).toEqual([3, 2]);
      expect(idsOf(await alarms.list({ ...all, open: true }))).toEqual([4, 3, 2, 0]);
      expect(idsOf(await alarms.list({ ...all, open: false }))).toEqual([1]);
      expect(idsOf(await alarms.list({ ...all, state: 'assigned' }))).toEqual([2]);
      expect(idsOf(await alarms.list({ ...all, homeId: ids.homeB }))).toEqual([3, 1]);
      expect(idsOf(await alarms.list({ ...all, assignedUserId: ids.userA }))).toEqual([2]);
      expect(idsOf(await alarms.list({ ...all, from: T0 + 10, to: T0 + 30 }))).toEqual([2, 1]);
      expect(idsOf(await alarms.list({ ...all, open: true, homeId: ids.homeA, from: T0 + 1 }))).toEqual([
        4, 2,
      ]);
      expect(await alarms.countOpen()).toBe(4);
    });

    it('orders alarms raised in the same millisecond by id, in code-point order', async () => {
      const { alarms } = stores();
      for (let i = 0; i < 6; i++) await alarms.create(alarm());
      const ids = (await alarms.list({ limit: 10, offset: 0 })).map((a) => a.id);
      expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    it('tells whether a user exists', async () => {
      const { alarms, ids } = stores();
      expect(await alarms.userExists(ids.userA)).toBe(true);
      expect(await alarms.userExists('ghost')).toBe(false);
    });

    it('reads the response rows of a period with the home’s region', async () => {
      const { alarms, ids } = stores();
      const a = (await alarms.create(alarm({ raisedAt: T0, homeId: ids.homeA })))!;
      await alarms.create(alarm({ raisedAt: T0 + 10 }));
      await alarms.create(alarm({ raisedAt: T0 + 20, homeId: ids.homeB }));
      await alarms.update(a.id, { acknowledgedAt: T0 + 100, onSiteAt: T0 + 900 }, step());
      expect(await alarms.responseRows(T0, T0 + 20)).toEqual([
        { homeId: ids.homeA, region: 'North', raisedAt: T0, ackAt: T0 + 100, onSiteAt: T0 + 900 },
        { homeId: '', region: '', raisedAt: T0 + 10, ackAt: null, onSiteAt: null },
      ]);
    });
  });

  describe(`CancelPolicies contract: ${name}`, () => {
    const stores = useStore(make);

    it('gives the default until a home has a policy, then keeps the latest', async () => {
      const { policies, ids } = stores();
      expect(await policies.get(ids.homeA)).toEqual({
        homeId: ids.homeA,
        unverifiedCancel: 'refuse',
        updatedAt: null,
        updatedBy: null,
      });
      const set = await policies.set(ids.homeA, 'confirm', ids.userA, T0);
      expect(set).toEqual({
        homeId: ids.homeA,
        unverifiedCancel: 'confirm',
        updatedAt: T0,
        updatedBy: ids.userA,
      });
      expect(await policies.get(ids.homeA)).toEqual(set);
      await policies.set(ids.homeA, 'refuse', ids.userB, T0 + 1);
      expect(await policies.get(ids.homeA)).toMatchObject({
        unverifiedCancel: 'refuse',
        updatedBy: ids.userB,
      });
      await policies.set(ids.homeB, 'confirm', ids.userB, T0 + 2);
      expect(await policies.unverifiedCancel(ids.homeB)).toBe('confirm');
      expect(await policies.unverifiedCancel(ids.homeA)).toBe('refuse');
      expect(await policies.unverifiedCancel(null)).toBe('refuse');
    });
  });
}
